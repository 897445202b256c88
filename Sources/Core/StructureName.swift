/// The one rule for what a structure (ROI, contour) name may be, shared by case files, the registry and job specs,
/// so a job spec can name every structure a case file can hold.
///
/// A structure name is 1…64 bytes (UTF-8) of printable text. Letters of any script, digits, spaces inside the
/// name and punctuation such as `+ ( ) # " ' : ; , & * ! { } [ ] % = @ < >` are allowed (`GTV+5mm`, `Lung (L)`,
/// `Œsophagus`, `z_ring #2`, `CTV "boost"`). Refused, because some output cannot hold the name unchanged:
/// - `/` (the HDF5 path separator: `/structures/<name>`, `/dvh/<name>`) and the names `.` and `..`;
/// - `\` (the DICOM value separator: the name would become two ROI names in an RT Structure Set);
/// - control characters (C0, DEL, C1: tab, line breaks, ESC, NUL), invisible format characters (bidirectional
///   overrides, zero-width characters, the byte order mark), the line and paragraph separators U+2028/U+2029
///   and Unicode noncharacters (none may appear in a one-line report, CSV header or YAML scalar unescaped);
/// - whitespace at the start or end (DICOM strips it, so the name would not come back the same);
/// - more than 64 bytes in UTF-8 (64 ASCII characters, 32 of most accented Latin, Greek or Cyrillic letters,
///   21 CJK characters): the length of a DICOM LO value such as ROI Name.
/// Names compare by Swift's `==` (canonical equivalence); the bytes as stored are kept everywhere.
public enum StructureName {
    /// The most UTF-8 bytes a name may have: a DICOM LO value such as ROI Name holds 64, and DICOM validators
    /// (dciodvfy) count bytes, not characters, in UTF-8 (ISO_IR 192).
    public static let maxBytes = 64

    /// Why `name` is not a valid structure name, or nil when it is. The reason quotes the name with
    /// ``shown(_:)`` so it is safe to print.
    public static func problem(_ name: String) -> String? {
        let count = name.utf8.count
        guard count > 0, count <= maxBytes else {
            return "structure name \(shown(name)) must be 1…\(maxBytes) bytes in UTF-8 (\(maxBytes) ASCII characters, fewer of other scripts), got \(count) bytes"
        }
        if name == "." || name == ".." { return "\(shown(name)) is not a structure name (HDF5 reserves \".\" and \"..\")" }
        if name.contains("/") { return "structure name \(shown(name)) contains \"/\", which HDF5 group paths cannot hold in a name" }
        if name.contains("\\") { return "structure name \(shown(name)) contains a backslash, the DICOM value separator" }
        if let bad = name.unicodeScalars.first(where: isRefused) {
            return "structure name \(shown(name)) contains \(codePoint(bad)), a control, format or line-separator character"
        }
        if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
           first.properties.isWhitespace || last.properties.isWhitespace {
            return "structure name \(shown(name)) starts or ends with whitespace (no leading or trailing space)"
        }
        return nil
    }

    /// True when `name` follows the rule.
    public static func isValid(_ name: String) -> Bool { problem(name) == nil }

    /// `name` in double quotes, cut to 80 characters, with quotes, backslashes and every character the rule
    /// refuses escaped as `\u{…}`: safe to print in an error message or log line.
    public static func shown(_ name: String) -> String {
        var out = "\""
        for (i, s) in name.unicodeScalars.enumerated() {
            if i == 80 { out += "…"; break }
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out += isRefused(s) ? "\\u{\(String(s.value, radix: 16))}" : String(s)
            }
        }
        return out + "\""
    }

    /// Control (Cc), format (Cf), line/paragraph separator (Zl, Zp), surrogate and noncharacter scalars.
    static func isRefused(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return true
        default: return s.properties.isNoncharacterCodePoint
        }
    }

    private static func codePoint(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
