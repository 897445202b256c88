/// Help prose written with source line breaks, reflowed so that ArgumentParser can wrap it to the terminal's width.
///
/// Consecutive prose lines are joined with a space. A line stays on its own when it is empty, indented (examples),
/// a list item (`- `), or a heading such as `Examples:`; nothing is joined onto a heading or an indented line.
func helpText(_ text: String) -> String {
    var lines: [String] = []
    var joinable = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let prose = !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("- ")
        let heading = prose && line.hasSuffix(":") && line.split(separator: " ").count <= 3
        if prose && !heading && joinable {
            lines[lines.count - 1] += " " + line
        } else {
            lines.append(line)
        }
        // A list item's own text may continue on the next source line.
        joinable = (prose || line.hasPrefix("- ")) && !heading
    }
    return lines.joined(separator: "\n")
}
