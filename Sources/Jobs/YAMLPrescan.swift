/// A lexical pass over the spec text before the YAML parser sees it. It rejects the YAML features
/// a job spec never needs but an attacker can abuse: anchors and aliases (exponential expansion,
/// "billion laughs"), explicit tags, block scalars, and nesting deeper than the parser's recursion
/// should go. It tracks quotes and comments, so `&`, `*`, `!` inside strings and comments are fine.
enum YAMLPrescan {
    /// Deepest `[`/`{` nesting accepted.
    static let maxFlowDepth = 32
    /// Largest indentation (spaces plus leading `- `, `? `, `: ` indicators) accepted.
    static let maxIndentColumns = 128

    /// Throws `unsupportedYAML` with the line of the first forbidden construct.
    static func check(_ text: String) throws(JobSpecError) {
        var quote: Character? = nil
        var flowDepth = 0
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = lineIndex + 1
            let chars = Array(line)
            var i = 0
            if quote == nil {
                i = indentation(of: chars)
                if i > maxIndentColumns {
                    throw unsupported(lineNumber, "the line is indented \(i) columns; at most \(maxIndentColumns) are accepted")
                }
            }
            var escaped = false
            // Whether a scalar may start here: after the indentation and its block indicators, after `: `, and in
            // flow context after `[`, `{` or `,`. Only there does a quote open a quoted scalar; inside a plain
            // scalar (`Lung 'L`) it is literal, and taking it for a quote would hide the rest of the text.
            var scalarStart = quote == nil
            while i < chars.count {
                let c = chars[i]
                let tokenStart = i == 0 || " \t[{,".contains(chars[i - 1])
                let atScalarStart = scalarStart
                if quote == nil && c != " " && c != "\t" {
                    let indicator = i + 1 == chars.count || chars[i + 1] == " " || chars[i + 1] == "\t"
                    scalarStart = (c == ":" && indicator) || "[{".contains(c) || (c == "," && flowDepth > 0)
                        || (atScalarStart && "-?".contains(c) && indicator)
                }
                i += 1
                if let q = quote {
                    if q == "\"" && c == "\\" && !escaped { escaped = true; continue }
                    // `''` inside a single-quoted scalar is a quote, not the end of the scalar.
                    if q == "'" && c == "'" && i < chars.count && chars[i] == "'" { i += 1; continue }
                    if c == q && !escaped { quote = nil }
                    escaped = false
                    continue
                }
                if c == "#" && (i == 1 || chars[i - 2] == " " || chars[i - 2] == "\t") { break }
                guard tokenStart || "[{]}".contains(c) else { continue }
                switch c {
                case "\"", "'":
                    if atScalarStart { quote = c }
                case "[", "{":
                    flowDepth += 1
                    if flowDepth > maxFlowDepth {
                        throw unsupported(lineNumber, "brackets nest deeper than \(maxFlowDepth) levels")
                    }
                case "]", "}":
                    flowDepth = max(0, flowDepth - 1)
                case "&", "*":
                    throw unsupported(lineNumber, "YAML anchors and aliases (& and *) are not allowed in job specs")
                case "!":
                    throw unsupported(lineNumber, "explicit YAML tags (!…) are not allowed in job specs")
                case "|", ">":
                    throw unsupported(lineNumber,
                        "block scalars (| and >) are not allowed in job specs; quote values that start with them, e.g. \">=\"")
                default:
                    break
                }
            }
        }
    }

    /// Columns taken by leading spaces and block indicators (`- `, `? `, `: `) of a line.
    private static func indentation(of chars: [Character]) -> Int {
        var i = 0
        while i < chars.count {
            if chars[i] == " " {
                i += 1
            } else if "-?:".contains(chars[i]), i + 1 == chars.count || chars[i + 1] == " " {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    private static func unsupported(_ line: Int, _ message: String) -> JobSpecError {
        JobSpecError(.unsupportedYAML, at: "", line: line, message)
    }
}
