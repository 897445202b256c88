import Core
import Foundation
@testable import Store

/// Writes synthetic CT series as DICOM files (the tests' own tiny writer on top of DICOMEncoder).
struct SyntheticCT {
    var rows = 6, columns = 5, slices = 4
    var pixelSpacingMM = SIMD2<Double>(0.8, 0.7)      // (between rows, between columns)
    var sliceSpacingMM = 2.5
    var origin = SIMD3<Double>(-20, 30, -100)
    var orientation: [Double] = [1, 0, 0, 0, 1, 0]
    var signed = true
    var slope = 1.0, intercept = -1024.0
    var seriesUID = "1.2.3.4.5"
    var syntax = DICOMTransferSyntax.explicitVRLittleEndian
    var undefinedLengths = false
    var patientPosition = "HFS"

    /// Stored value of (column i, row j) of slice k: distinct in every pixel.
    func stored(_ i: Int, _ j: Int, _ k: Int) -> Int { signed ? i + 10 * j + 100 * k - 300 : i + 10 * j + 100 * k }

    /// The data set of slice k at `position`.
    func dataSet(_ k: Int, position: SIMD3<Double>? = nil) -> DICOMDataSet {
        var d = DICOMDataSet(file: "slice\(k)")
        let row = SIMD3(orientation[0], orientation[1], orientation[2])
        let column = SIMD3(orientation[3], orientation[4], orientation[5])
        let normal = SIMD3(row.y * column.z - row.z * column.y, row.z * column.x - row.x * column.z, row.x * column.y - row.y * column.x)
        let p = position ?? origin + Double(k) * sliceSpacingMM * normal
        d.set(DICOMTags.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.2")
        d.set(DICOMTags.sopInstanceUID, "UI", "\(seriesUID).\(k + 1)")
        d.set(DICOMTags.modality, "CS", "CT")
        d.set(DICOMTags.seriesDescription, "LO", "synthetic \(seriesUID)")
        d.set(DICOMTags.patientName, "PN", "Test^Patient")
        d.set(DICOMTags.patientID, "LO", "P1")
        d.set(DICOMTags.patientPosition, "CS", patientPosition)
        d.set(DICOMTags.studyInstanceUID, "UI", "1.2.3.4")
        d.set(DICOMTags.seriesInstanceUID, "UI", seriesUID)
        d.set(DICOMTags.frameOfReferenceUID, "UI", "1.2.3.9")
        d.set(DICOMTags.imagePositionPatient, decimals: [p.x, p.y, p.z])
        d.set(DICOMTags.imageOrientationPatient, decimals: orientation)
        d.set(DICOMTags.samplesPerPixel, uint16: 1)
        d.set(DICOMTags.photometricInterpretation, "CS", "MONOCHROME2")
        d.set(DICOMTags.rows, uint16: UInt16(rows))
        d.set(DICOMTags.columns, uint16: UInt16(columns))
        d.set(DICOMTags.pixelSpacing, decimals: [pixelSpacingMM.x, pixelSpacingMM.y])
        d.set(DICOMTags.bitsAllocated, uint16: 16)
        d.set(DICOMTags.bitsStored, uint16: 16)
        d.set(DICOMTags.highBit, uint16: 15)
        d.set(DICOMTags.pixelRepresentation, uint16: signed ? 1 : 0)
        d.set(DICOMTags.rescaleSlope, decimals: [slope])
        d.set(DICOMTags.rescaleIntercept, decimals: [intercept])
        // A nested sequence, to exercise sequence parsing in every syntax.
        var item = DICOMDataSet(file: "slice\(k)")
        item.set(DICOMTags.referencedSOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.2")
        item.set(DICOMTags.contourImageSequence, items: [item])
        d.set(DICOMTags.contourImageSequence, items: [item, item])
        var samples: [UInt16] = []
        for j in 0..<rows { for i in 0..<columns { samples.append(UInt16(truncatingIfNeeded: stored(i, j, k))) } }
        if syntax == .rleLossless {
            d.set(DICOMElement(tag: DICOMTags.pixelData, vr: "OB", value: .encapsulated(offsetTable: [], fragments: [rleFrame(samples)])))
        } else {
            d.set(DICOMTags.pixelData, "OW", bytes: samples.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        }
        return d
    }

    /// Writes slice files `0..<slices` into `directory`.
    func write(to directory: String, prefix: String = "ct") throws {
        for k in 0..<slices { try write(dataSet(k), to: directory + "/\(prefix)\(k).dcm") }
    }

    /// Writes one data set as a Part 10 file in this series' syntax.
    func write(_ d: DICOMDataSet, to path: String) throws {
        try Data(try fileBytes(d)).write(to: URL(fileURLWithPath: path))
    }

    func fileBytes(_ d: DICOMDataSet) throws -> [UInt8] {
        try DICOMEncoder(transferSyntax: syntax, undefinedLengths: undefinedLengths).fileBytes(d)
    }

    /// RLE Lossless frame: header + high-byte and low-byte PackBits segments (literal runs of ≤ 128
    /// and replicate runs for repeats, to exercise both).
    func rleFrame(_ samples: [UInt16]) -> [UInt8] {
        let high = packBits(samples.map { UInt8($0 >> 8) }), low = packBits(samples.map { UInt8($0 & 0xFF) })
        var header = [UInt8](repeating: 0, count: 64)
        for (n, v) in [UInt32(2), 64, UInt32(64 + high.count)].enumerated() {
            header.replaceSubrange((4 * n)..<(4 * n + 4), with: DICOMDataSet.littleEndian(v))
        }
        return header + high + low
    }

    private func packBits(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            var run = 1
            while i + run < bytes.count, bytes[i + run] == bytes[i], run < 128 { run += 1 }
            if run >= 2 {
                out += [UInt8(bitPattern: Int8(1 - run)), bytes[i]]
                i += run
            } else {
                var end = i + 1
                while end < bytes.count, end - i < 128, !(end + 1 < bytes.count && bytes[end] == bytes[end + 1]) { end += 1 }
                out += [UInt8(end - i - 1)] + bytes[i..<end]
                i = end
            }
        }
        return out
    }
}

/// A fresh temporary directory for DICOM tests, removed on release.
final class DICOMDirectory {
    let path = NSTemporaryDirectory() + "/rtcluster-dicom-tests-" + UUID().uuidString
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// Runs a command; nil when the executable is absent.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)? {
    let candidates = ["/usr/bin/", "/usr/local/bin/"].map { $0 + executable }
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    return try capture(process)
}
