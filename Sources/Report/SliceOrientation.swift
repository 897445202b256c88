/// The three orthogonal slice planes of a report, displayed in the radiological convention.
///
/// - axial (constant z): patient right on the image left, patient left on the image right,
///   anterior at the top;
/// - coronal (constant y): patient left on the image right, superior at the top;
/// - sagittal (constant x): anterior on the image left, superior at the top.
public enum SliceOrientation: String, CaseIterable, Sendable {
    case axial, coronal, sagittal

    /// The patient directions at the image's left, right, top and bottom edges (R/L, A/P, S/I).
    public var edgeLabels: (left: Character, right: Character, top: Character, bottom: Character) {
        switch self {
        case .axial: return ("R", "L", "A", "P")
        case .coronal: return ("R", "L", "S", "I")
        case .sagittal: return ("A", "P", "S", "I")
        }
    }

    /// A caption naming the plane and which way the patient's left is.
    public var orientationNote: String {
        switch self {
        case .axial: return "axial, viewed from the feet: patient left on the image right, anterior up"
        case .coronal: return "coronal, viewed from the front: patient left on the image right, superior up"
        case .sagittal: return "sagittal, viewed from the patient's left: anterior on the image left, superior up"
        }
    }
}
