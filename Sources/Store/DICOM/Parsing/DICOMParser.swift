/// Parses little-endian DICOM data sets from a byte buffer.
///
/// Every length is checked against the bytes that remain in the enclosing item (or file) before
/// it is used, nesting of sequences is capped at ``maxDepth``, and every failure throws a
/// ``DICOMError`` naming the file and the tag; hostile input never traps.
struct DICOMParser {
    /// Deepest sequence nesting accepted.
    static let maxDepth = 16
    /// The undefined length marker.
    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    static let item = DICOMTag(0xFFFE, 0xE000)
    static let itemDelimitation = DICOMTag(0xFFFE, 0xE00D)
    static let sequenceDelimitation = DICOMTag(0xFFFE, 0xE0DD)

    /// VRs whose explicit encoding has 2 reserved bytes and a 32-bit length.
    static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"]
    /// All VRs of PS3.5.
    static let knownVRs: Set<String> = longVRs.union(["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                                      "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"])

    let bytes: [UInt8]
    let file: String
    var position: Int

    init(bytes: [UInt8], file: String, position: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.position = position
    }

    /// Parses elements until `end`, an item delimiter (when `inUndefinedItem`), or — when
    /// `stop` returns true for the next tag — stops before that tag without consuming it.
    mutating func parseDataSet(end: Int, explicitVR: Bool, depth: Int, inUndefinedItem: Bool = false,
                               stop: (DICOMTag) -> Bool = { _ in false }) throws -> DICOMDataSet {
        var dataSet = DICOMDataSet(file: file)
        var previous: DICOMTag?
        while position < end {
            let start = position
            let tag = try readTag(end: end, context: previous)
            if tag == DICOMParser.itemDelimitation {
                guard inUndefinedItem else { throw error(tag, "item delimitation item outside an item of undefined length") }
                _ = try readUInt32(end: end, tag: tag)
                return dataSet
            }
            if stop(tag) {
                position = start
                return dataSet
            }
            guard dataSet[tag] == nil else { throw error(tag, "attribute appears twice in one data set") }
            let element = try parseElement(tag: tag, end: end, explicitVR: explicitVR, depth: depth)
            dataSet.set(element)
            previous = tag
        }
        if inUndefinedItem { throw error(previous, "file ends inside an item of undefined length (no item delimitation)") }
        return dataSet
    }

    /// Parses the VR, length and value of the element whose tag was just read.
    private mutating func parseElement(tag: DICOMTag, end: Int, explicitVR: Bool, depth: Int) throws -> DICOMElement {
        let vr: String
        let length: UInt32
        if tag.group == 0xFFFE { throw error(tag, "unexpected item tag in a data set") }
        if explicitVR {
            try need(2, end: end, tag: tag, what: "VR")
            let (a, b) = (bytes[position], bytes[position + 1])
            guard (0x41...0x5A).contains(a), (0x41...0x5A).contains(b) else {
                throw error(tag, "invalid VR bytes 0x\(String(a, radix: 16)) 0x\(String(b, radix: 16))")
            }
            vr = String(decoding: [a, b], as: UTF8.self)
            guard DICOMParser.knownVRs.contains(vr) else { throw error(tag, "unknown VR '\(vr)'") }
            position += 2
            if DICOMParser.longVRs.contains(vr) {
                try need(2, end: end, tag: tag, what: "reserved bytes")
                position += 2
                length = try readUInt32(end: end, tag: tag)
            } else {
                try need(2, end: end, tag: tag, what: "length")
                length = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                position += 2
            }
        } else {
            vr = DICOMDictionary.vr(of: tag)
            length = try readUInt32(end: end, tag: tag)
        }
        if length == DICOMParser.undefinedLength {
            if tag == DICOMTags.pixelData {
                guard vr == "OB" || vr == "OW" || vr == "UN" else { throw error(tag, "undefined length with VR \(vr)") }
                return DICOMElement(tag: tag, vr: vr, value: try parseFragments(tag: tag, end: end))
            }
            guard vr == "SQ" || vr == "UN" else { throw error(tag, "undefined length is not allowed for VR \(vr)") }
            // An undefined-length UN holds a sequence encoded in implicit VR (PS3.5 6.2.2).
            let items = try parseSequence(tag: tag, end: end, length: nil, explicitVR: explicitVR && vr == "SQ", depth: depth)
            return DICOMElement(tag: tag, vr: "SQ", value: .sequence(items))
        }
        let count = Int(length)
        try need(count, end: end, tag: tag, what: "value of \(count) bytes")
        if vr == "SQ" {
            let items = try parseSequence(tag: tag, end: end, length: count, explicitVR: explicitVR, depth: depth)
            return DICOMElement(tag: tag, vr: vr, value: .sequence(items))
        }
        let value = Array(bytes[position..<(position + count)])
        position += count
        return DICOMElement(tag: tag, vr: vr, value: .bytes(value))
    }

    /// Parses the items of a sequence (defined `length`, or up to the sequence delimiter).
    private mutating func parseSequence(tag: DICOMTag, end: Int, length: Int?, explicitVR: Bool, depth: Int) throws -> [DICOMDataSet] {
        guard depth < DICOMParser.maxDepth else { throw error(tag, "sequences nested deeper than \(DICOMParser.maxDepth) levels") }
        let sequenceEnd = length.map { position + $0 } ?? end
        var items: [DICOMDataSet] = []
        while true {
            if length != nil, position == sequenceEnd { return items }
            let itemTag = try readTag(end: sequenceEnd, context: tag)
            let itemLength = try readUInt32(end: sequenceEnd, tag: tag)
            if itemTag == DICOMParser.sequenceDelimitation {
                guard length == nil else { throw error(tag, "sequence delimiter in a sequence of defined length") }
                return items
            }
            guard itemTag == DICOMParser.item else { throw error(tag, "expected an item (FFFE,E000) in the sequence, found \(itemTag)") }
            if itemLength == DICOMParser.undefinedLength {
                items.append(try parseDataSet(end: sequenceEnd, explicitVR: explicitVR, depth: depth + 1, inUndefinedItem: true))
            } else {
                let itemEnd = position + Int(itemLength)
                try need(Int(itemLength), end: sequenceEnd, tag: tag, what: "item of \(itemLength) bytes")
                items.append(try parseDataSet(end: itemEnd, explicitVR: explicitVR, depth: depth + 1))
                guard position == itemEnd else { throw error(tag, "item contents do not end at the item's length") }
            }
        }
    }

    /// Parses encapsulated pixel data: the basic offset table item, fragments, sequence delimiter.
    private mutating func parseFragments(tag: DICOMTag, end: Int) throws -> DICOMElement.Value {
        var table: [UInt8]?
        var fragments: [[UInt8]] = []
        while true {
            let itemTag = try readTag(end: end, context: tag)
            let length = try readUInt32(end: end, tag: tag)
            if itemTag == DICOMParser.sequenceDelimitation {
                guard let table else { throw error(tag, "encapsulated pixel data has no basic offset table item") }
                return .encapsulated(offsetTable: table, fragments: fragments)
            }
            guard itemTag == DICOMParser.item else { throw error(tag, "expected a fragment item (FFFE,E000), found \(itemTag)") }
            guard length != DICOMParser.undefinedLength else { throw error(tag, "fragment of undefined length") }
            try need(Int(length), end: end, tag: tag, what: "fragment of \(length) bytes")
            let value = Array(bytes[position..<(position + Int(length))])
            position += Int(length)
            if table == nil { table = value } else { fragments.append(value) }
        }
    }

    // MARK: Primitive reads

    private mutating func readTag(end: Int, context: DICOMTag?) throws -> DICOMTag {
        try need(4, end: end, tag: context, what: "attribute tag")
        let g = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
        let e = UInt16(bytes[position + 2]) | UInt16(bytes[position + 3]) << 8
        position += 4
        return DICOMTag(g, e)
    }

    private mutating func readUInt32(end: Int, tag: DICOMTag?) throws -> UInt32 {
        try need(4, end: end, tag: tag, what: "32-bit length")
        var v: UInt32 = 0
        for k in (0..<4).reversed() { v = v << 8 | UInt32(bytes[position + k]) }
        position += 4
        return v
    }

    private func need(_ count: Int, end: Int, tag: DICOMTag?, what: String) throws {
        guard count >= 0, count <= end - position else {
            throw error(tag, "\(what) at offset \(position) runs past the end of its data (\(end - position) bytes remain); file truncated or damaged")
        }
    }

    private func error(_ tag: DICOMTag?, _ reason: String) -> DICOMError {
        DICOMError(file: file, tag: tag, reason)
    }
}
