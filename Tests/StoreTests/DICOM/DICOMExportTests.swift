import Core
import Foundation
import Testing
@testable import Store

/// RT Dose and RT Structure Set exports: read back by our reader, pydicom and dciodvfy.
@Suite struct DICOMExportTests {
    static let grid = try! Grid(nx: 20, ny: 16, nz: 6, spacingMM: SIMD3(2.5, 2, 3), originMM: SIMD3(-25, -16, -7.5))

    /// A smooth dose with a known maximum of 60 Gy.
    static func dose() -> DoseVolume {
        var d = DoseVolume(grid: grid)
        for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx {
            let r2 = Double((x - 9) * (x - 9) + (y - 7) * (y - 7) + (z - 2) * (z - 2))
            d[x, y, z] = Float(60 * exp(-r2 / 40))
        } } }
        return d
    }

    /// A ring (annulus with a hole) on slices 1...3 and a box on slices 2...4.
    static func masks() -> [RTStructROI] {
        var ring = MaskVolume(grid: grid), box = MaskVolume(grid: grid)
        for z in 1...3 { for y in 0..<grid.ny { for x in 0..<grid.nx {
            let r2 = (x - 9) * (x - 9) + (y - 7) * (y - 7)
            if r2 <= 36 && r2 > 6 { ring[x, y, z] = 1 }
        } } }
        for z in 2...4 { for y in 3..<9 { for x in 12..<18 { box[x, y, z] = 1 } } }
        return [RTStructROI(name: "ring", mask: ring, interpretedType: "ORGAN"),
                RTStructROI(name: "PTV", mask: box, interpretedType: "PTV", colorRGB: SIMD3(0, 0, 255))]
    }

    static func reference() -> DICOMReference {
        var r = DICOMReference(patientID: "PH1", patientName: "Phantom^Thorax")
        r.ctSeriesInstanceUID = DICOMUID.generate()
        r.ctSOPInstanceUIDs = (0..<grid.nz).map { _ in DICOMUID.generate() }
        return r
    }

    @Test(arguments: [32, 16]) func doseRoundTripsThroughOurReader(bits: Int) throws {
        let dir = try DICOMDirectory()
        let reference = Self.reference()
        let dose = Self.dose()
        try RTDoseWriter(reference: reference, bitsAllocated: bits).write(dose, to: dir.file("RTDOSE.dcm"))
        let file = try DICOMFile.read(path: dir.file("RTDOSE.dcm"))
        let d = file.dataSet
        #expect(file.transferSyntax == .explicitVRLittleEndian)
        #expect(d.string(DICOMTags.frameOfReferenceUID) == reference.frameOfReferenceUID)
        #expect(d.string(DICOMTags.studyInstanceUID) == reference.studyInstanceUID)
        #expect(try d.requiredDecimals(DICOMTags.gridFrameOffsetVector, count: 6) == [0, 3, 6, 9, 12, 15])
        #expect(try d.requiredDecimals(DICOMTags.imagePositionPatient, count: 3) == [-25, -16, -7.5])
        #expect(try d.requiredDecimals(DICOMTags.pixelSpacing, count: 2) == [2, 2.5])
        let scaling = try d.requiredDecimals(DICOMTags.doseGridScaling, count: 1)[0]
        let pixels = try #require(d.bytes(DICOMTags.pixelData))
        #expect(pixels.count == Self.grid.voxelCount * bits / 8)
        // Quantisation error ≤ half a pixel step: 60 Gy / (2^bits - 1) / 2 (plus float rounding).
        var worst = 0.0
        for n in 0..<Self.grid.voxelCount {
            var p = 0
            for b in 0..<(bits / 8) { p |= Int(pixels[bits / 8 * n + b]) << (8 * b) }
            worst = max(worst, abs(Double(p) * scaling - Double(dose.voxels[n])))
        }
        let maxPixel: Double = bits == 32 ? 4_294_967_295 : 65535
        let tolerance: Double = 60 / maxPixel + 1e-5
        #expect(worst <= tolerance, "worst dose error \(worst) Gy")
    }

    @Test func structureSetContoursMatchTheMasks() throws {
        let dir = try DICOMDirectory()
        let reference = Self.reference()
        let rois = Self.masks()
        try RTStructWriter(reference: reference).write(rois, to: dir.file("RTSTRUCT.dcm"))
        let d = try DICOMFile.read(path: dir.file("RTSTRUCT.dcm")).dataSet
        let names = try d.sequence(DICOMTags.structureSetROISequence).map { $0.string(DICOMTags.roiName) }
        #expect(names == ["ring", "PTV"])
        let referenced = try d.sequence(DICOMTags.referencedFrameOfReferenceSequence)
        #expect(referenced.first?.string(DICOMTags.frameOfReferenceUID) == reference.frameOfReferenceUID)
        let images = try referenced.first.map { try $0.sequence(DICOMTags.rtReferencedStudySequence)[0].sequence(DICOMTags.rtReferencedSeriesSequence)[0].sequence(DICOMTags.contourImageSequence) }
        #expect(images?.count == 6)
        let g = Self.grid
        for (roi, item) in zip(rois, try d.sequence(DICOMTags.roiContourSequence)) {
            var perSlice = [Double](repeating: 0, count: g.nz)
            var contoursPerSlice = [Int](repeating: 0, count: g.nz)
            for contour in try item.sequence(DICOMTags.contourSequence) {
                let values = try #require(try contour.decimals(DICOMTags.contourData))
                let count = try #require(try contour.decimals(DICOMTags.numberOfContourPoints)?.first)
                #expect(values.count == 3 * Int(count))
                let z = (values[2] - g.originMM.z) / g.spacingMM.z
                #expect(abs(z - z.rounded()) < 1e-9)
                let points = stride(from: 0, to: values.count, by: 3).map { SIMD2(values[$0], values[$0 + 1]) }
                // Vertices at half-voxel positions of the grid.
                for p in points {
                    let v = g.voxelCoordinates(of: SIMD3(p.x, p.y, values[2]))
                    #expect(abs(2 * v.x - (2 * v.x).rounded()) < 1e-6 && abs(2 * v.y - (2 * v.y).rounded()) < 1e-6)
                }
                perSlice[Int(z.rounded())] += ContourTracer.signedArea(points)
                contoursPerSlice[Int(z.rounded())] += 1
            }
            // Even-odd area vs. mask area: marching squares cuts each convex corner by 1/8 voxel and
            // adds 1/8 at each concave one; for these shapes |difference| ≤ 0.5 voxel per boundary
            // corner pair, bounded here by 8 % of the mask area per slice.
            for z in 0..<g.nz {
                var voxels = 0
                for y in 0..<g.ny { for x in 0..<g.nx where roi.mask[x, y, z] != 0 { voxels += 1 } }
                let maskArea = Double(voxels) * g.spacingMM.x * g.spacingMM.y
                #expect(abs(perSlice[z] - maskArea) <= 0.08 * maskArea + 1e-9, "\(roi.name) slice \(z): contour \(perSlice[z]) mm², mask \(maskArea) mm²")
            }
            if roi.name == "ring" { #expect(contoursPerSlice[2] == 2) } // outer boundary and hole
        }
    }

    @Test func tracerAreaOfABoxIsExact() {
        // A 4×3 box: contour through edge midpoints = 4×3 rectangle minus 4 corner triangles of 1/8.
        let contours = ContourTracer.trace(nx: 6, ny: 5) { x, y in (1..<5).contains(x) && (1..<4).contains(y) }
        #expect(contours.count == 1)
        #expect(abs(ContourTracer.signedArea(contours[0].points) - (12 - 0.5)) < 1e-12)
        #expect(contours[0].points.count == 8)
        // A box with a one-voxel hole: outer + hole (hole area 0.5, clockwise).
        let holed = ContourTracer.trace(nx: 5, ny: 5) { x, y in (1..<4).contains(x) && (1..<4).contains(y) && !(x == 2 && y == 2) }
        #expect(holed.count == 2 && holed.filter(\.isHole).count == 1)
        let evenOddArea: Double = holed.map { ContourTracer.signedArea($0.points) }.reduce(0, +)
        #expect(abs(evenOddArea - 8) < 1e-12)
    }

    /// The default (16-bit) dose. dicom3tools 1.00 cannot check 32-bit dose pixels at all (its
    /// own assertion `bitsallocated <= bytesinword*8` aborts with OW or OB), so 32-bit doses are
    /// checked by our reader and pydicom only.
    @Test func dciodvfyAcceptsBothObjects() throws {
        let dir = try DICOMDirectory()
        try RTDoseWriter(reference: Self.reference()).write(Self.dose(), to: dir.file("RTDOSE.dcm"))
        try RTStructWriter(reference: Self.reference()).write(Self.masks(), to: dir.file("RTSTRUCT.dcm"))
        for name in ["RTDOSE.dcm", "RTSTRUCT.dcm"] {
            guard let (status, output) = try run("dciodvfy", [dir.file(name)]) else {
                print("dciodvfy absent: install dicom3tools (apt) to run this check")
                return
            }
            let errors = output.split(separator: "\n").filter { $0.hasPrefix("Error") }
            print("dciodvfy \(name): exit \(status), \(errors.count) errors; output:\n\(output)")
            #expect(errors.isEmpty, "\(name): \(errors)")
            #expect(status == 0, "\(name): dciodvfy exit \(status)")
        }
    }

    @Test func pydicomReadsBothObjects() throws {
        let dir = try DICOMDirectory()
        let reference = Self.reference()
        try RTDoseWriter(reference: reference, bitsAllocated: 32).write(Self.dose(), to: dir.file("RTDOSE.dcm"))
        try RTStructWriter(reference: reference).write(Self.masks(), to: dir.file("RTSTRUCT.dcm"))
        let (status, output) = try runPython([dir.file("RTDOSE.dcm"), dir.file("RTSTRUCT.dcm")], script: "read_rt.py")
        if status == 77 { print("pydicom absent: \(output)"); return }
        #expect(status == 0, "\(output)")
        let maximum = Self.dose().voxels.max()!
        #expect(output.contains("dose shape=(6, 16, 20) origin=[-25.0, -16.0, -7.5] spacing=[2.5, 2.0, 3.0]"), "\(output)")
        let reported = output.split(separator: " ").first { $0.hasPrefix("max=") }.map { Double($0.dropFirst(4))! }
        #expect(abs((reported ?? 0) - Double(maximum)) < 1e-4, "\(output)")
        #expect(output.contains("units=GY type=PHYSICAL summation=PLAN for=\(reference.frameOfReferenceUID)"))
        #expect(output.contains("roi 1 name=ring") && output.contains("roi 2 name=PTV contours=3"))
        print("pydicom read-back:\n\(output)")
    }
}
