import CHDF5
import Core

extension CaseFile {
    /// Writes the case atomically (temporary file in the same directory, fsync, rename): after
    /// an error nothing exists under `path` that was not there before.
    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            let file = try H5File.create(temporary)
            defer { file.close() }
            try writeContents(into: file)
            try file.closeChecked()
        }
    }

    private func writeContents(into file: H5File) throws {
        try file.writeAttribute("schema", .int(CaseFile.schemaVersion))
        try writeCaseAttributes(on: file)
        if let frameOfReferenceUID { try file.writeAttribute("frame_of_reference_uid", .string(frameOfReferenceUID)) }
        if let seriesIdentity {
            for (name, value) in [("patient_id", seriesIdentity.patientID), ("patient_name", seriesIdentity.patientName),
                                  ("study_instance_uid", seriesIdentity.studyInstanceUID), ("series_instance_uid", seriesIdentity.seriesInstanceUID),
                                  ("sop_class_uid", seriesIdentity.sopClassUID)] {
                try file.writeAttribute(name, .string(value))
            }
        }
        let ctGroup = try file.createGroup("ct")
        defer { ctGroup.close() }
        try writeCaseAttributes(on: ctGroup)
        try VolumeIO.write(ct, as: "hu", in: ctGroup, fileType: rt_h5t_std_i16le()).close()
        if let uids = seriesIdentity?.sopInstanceUIDs, !uids.isEmpty {
            // A dataset, not an attribute: a long series exceeds the 64 KiB of compact attribute storage.
            let bytes = Array(uids.joined(separator: "\\").utf8)
            let dataset = try ctGroup.createDataset("sop_instance_uids", fileType: rt_h5t_std_u8le(), shape: [bytes.count], layout: .contiguous)
            defer { dataset.close() }
            try dataset.write(bytes)
        }
        let group = try file.createGroup("structures")
        defer { group.close() }
        for s in structures {
            let dataset = try VolumeIO.write(s.mask, as: s.name, in: group, fileType: rt_h5t_std_u8le())
            defer { dataset.close() }
            if let v = s.voiType { try dataset.writeAttribute("voi_type", .string(v)) }
            if let v = s.overlapPriority { try dataset.writeAttribute("overlap_priority", .int(v)) }
            if let v = s.objectivesJSON { try dataset.writeAttribute("objectives_json", .string(v)) }
        }
    }

    private func writeCaseAttributes(on object: H5Object) throws {
        try GridAttributes.write(ct.grid, on: object)
        try object.writeAttribute("orientation", .string(orientation))
    }
}
