import Core

/// Writes masks as a DICOM RT Structure Set (RT Structure Set IOD).
///
/// Each mask becomes one ROI (Structure Set ROI, ROI Contour and RT ROI Observations items
/// with the same ROI Number). Every z slice of a mask is traced by ``ContourTracer`` into
/// CLOSED_PLANAR contours with vertices at half-voxel positions in patient coordinates (mm) at
/// the slice's z. **Holes** are written as separate CLOSED_PLANAR contours in the same plane
/// (outer boundaries counter-clockwise and holes clockwise in the (x, y) plane); a reader
/// recovers the mask with the even-odd (XOR) rule, as most planning systems do. When the CT's SOP
/// instances are known and match the slices, each contour references its CT image and the
/// Referenced Frame of Reference Sequence lists the CT series. The file is explicit VR little
/// endian, unless a contour needs more than the 65534 bytes a DS value may hold in explicit VR;
/// then the whole data set is written in implicit VR little endian (32-bit lengths).
public struct RTStructWriter: Sendable {
    /// The patient, study and frame of reference of the CT the masks were drawn on.
    public var reference: DICOMReference
    /// Structure Set Label (3006,0002).
    public var label: String
    /// Series Description (0008,103E) of the structure set series.
    public var seriesDescription: String

    /// A writer for structure sets on the CT of `reference`.
    public init(reference: DICOMReference, label: String = "rtcluster", seriesDescription: String = "rtcluster structures") {
        self.reference = reference
        self.label = label
        self.seriesDescription = seriesDescription
    }

    /// Writes `rois` (masks on one grid) to `path`; returns the SOP Instance UID written.
    @discardableResult
    public func write(_ rois: [RTStructROI], to path: String) throws -> String {
        let d = try dataSet(rois, file: path)
        let encoder = DICOMEncoder(transferSyntax: .explicitVRLittleEndian)
        do {
            try DICOMRTObject.write(d, to: path, encoder: encoder)
        } catch let error as DICOMError where error.tag == DICOMTags.contourData {
            try DICOMRTObject.write(d, to: path, encoder: DICOMEncoder(transferSyntax: .implicitVRLittleEndian))
        }
        return d.string(DICOMTags.sopInstanceUID)!
    }

    /// The RT Structure Set data set of `rois`.
    func dataSet(_ rois: [RTStructROI], file: String) throws -> DICOMDataSet {
        guard let grid = rois.first?.mask.grid else { throw DICOMError(file: file, tag: DICOMTags.structureSetROISequence, "no structures to write") }
        var seen = Set<String>()
        for roi in rois {
            // ROI Name is LO (at most 64 characters, no backslash, no control characters); the structure name rule
            // guarantees that, and the value is written in UTF-8 (Specific Character Set ISO_IR 192).
            if let problem = StructureName.problem(roi.name) {
                throw DICOMError(file: file, tag: DICOMTags.roiName, "cannot be written as an ROI Name: \(problem)")
            }
            guard seen.insert(roi.name).inserted else {
                throw DICOMError(file: file, tag: DICOMTags.roiName, "ROI name \(StructureName.shown(roi.name)) is given twice")
            }
            guard roi.mask.grid == grid else {
                throw DICOMError(file: file, tag: DICOMTags.roiName, "mask \(StructureName.shown(roi.name)) is on \(roi.mask.grid), the first mask on \(grid)")
            }
        }
        let images = reference.ctSOPInstanceUIDs.count == grid.nz ? reference.ctSOPInstanceUIDs : []
        var d = DICOMRTObject.base(file: file, sopClassUID: DICOMRTObject.rtStructureSetStorage, modality: "RTSTRUCT",
                                   reference: reference, seriesDescription: seriesDescription)
        let (date, time) = DICOMRTObject.now()
        d.set(DICOMTags.frameOfReferenceUID, "UI", reference.frameOfReferenceUID)
        d.set(DICOMTags.positionReferenceIndicator, "LO", "")
        d.set(DICOMTags.structureSetLabel, "SH", label)
        d.set(DICOMTags.structureSetDate, "DA", date)
        d.set(DICOMTags.structureSetTime, "TM", time)
        d.set(DICOMTags.referencedFrameOfReferenceSequence, items: [frameOfReferenceItem(images, file: file)])
        var roiItems: [DICOMDataSet] = [], contourItems: [DICOMDataSet] = [], observationItems: [DICOMDataSet] = []
        for (n, roi) in rois.enumerated() {
            let number = n + 1
            var s = DICOMDataSet(file: file)
            s.set(DICOMTags.roiNumber, integers: [number])
            s.set(DICOMTags.referencedFrameOfReferenceUID, "UI", reference.frameOfReferenceUID)
            s.set(DICOMTags.roiName, "LO", roi.name)
            s.set(DICOMTags.roiGenerationAlgorithm, "CS", "AUTOMATIC")
            roiItems.append(s)
            var c = DICOMDataSet(file: file)
            c.set(DICOMTags.roiDisplayColor, integers: [Int(roi.colorRGB.x), Int(roi.colorRGB.y), Int(roi.colorRGB.z)])
            c.set(DICOMTags.contourSequence, items: contours(roi.mask, images: images, file: file))
            c.set(DICOMTags.referencedROINumber, integers: [number])
            contourItems.append(c)
            var o = DICOMDataSet(file: file)
            o.set(DICOMTags.observationNumber, integers: [number])
            o.set(DICOMTags.referencedROINumber, integers: [number])
            o.set(DICOMTags.rtROIInterpretedType, "CS", roi.interpretedType)
            o.set(DICOMTags.roiInterpreter, "PN", "")
            observationItems.append(o)
        }
        d.set(DICOMTags.structureSetROISequence, items: roiItems)
        d.set(DICOMTags.roiContourSequence, items: contourItems)
        d.set(DICOMTags.rtROIObservationsSequence, items: observationItems)
        d.set(DICOMTags.approvalStatus, "CS", "UNAPPROVED")
        return d
    }

    /// The Contour Sequence items of one mask, slice by slice.
    private func contours(_ mask: MaskVolume, images: [String], file: String) -> [DICOMDataSet] {
        let g = mask.grid
        var items: [DICOMDataSet] = []
        mask.withUnsafeBufferPointer { voxels in
            for z in 0..<g.nz {
                let base = z * g.sliceCount
                let traced = ContourTracer.trace(nx: g.nx, ny: g.ny) { x, y in voxels[base + y * g.nx + x] != 0 }
                let zMM = g.originMM.z + Double(z) * g.spacingMM.z
                for contour in traced {
                    var item = DICOMDataSet(file: file)
                    if !images.isEmpty { item.set(DICOMTags.contourImageSequence, items: [imageItem(images[z], file: file)]) }
                    item.set(DICOMTags.contourGeometricType, "CS", "CLOSED_PLANAR")
                    item.set(DICOMTags.numberOfContourPoints, integers: [contour.points.count])
                    item.set(DICOMTags.contourNumber, integers: [items.count + 1])
                    item.set(DICOMTags.contourData, decimals: contour.points.flatMap {
                        [g.originMM.x + $0.x * g.spacingMM.x, g.originMM.y + $0.y * g.spacingMM.y, zMM]
                    })
                    items.append(item)
                }
            }
        }
        return items
    }

    private func frameOfReferenceItem(_ images: [String], file: String) -> DICOMDataSet {
        var item = DICOMDataSet(file: file)
        item.set(DICOMTags.frameOfReferenceUID, "UI", reference.frameOfReferenceUID)
        guard !images.isEmpty, !reference.ctSeriesInstanceUID.isEmpty else { return item }
        var series = DICOMDataSet(file: file)
        series.set(DICOMTags.seriesInstanceUID, "UI", reference.ctSeriesInstanceUID)
        series.set(DICOMTags.contourImageSequence, items: images.map { imageItem($0, file: file) })
        var study = DICOMDataSet(file: file)
        study.set(DICOMTags.referencedSOPClassUID, "UI", "1.2.840.10008.3.1.2.3.1")
        study.set(DICOMTags.referencedSOPInstanceUID, "UI", reference.studyInstanceUID)
        study.set(DICOMTags.rtReferencedSeriesSequence, items: [series])
        item.set(DICOMTags.rtReferencedStudySequence, items: [study])
        return item
    }

    private func imageItem(_ uid: String, file: String) -> DICOMDataSet {
        var item = DICOMDataSet(file: file)
        item.set(DICOMTags.referencedSOPClassUID, "UI", reference.ctSOPClassUID)
        item.set(DICOMTags.referencedSOPInstanceUID, "UI", uid)
        return item
    }
}
