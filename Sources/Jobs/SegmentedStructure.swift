/// A structure the segmentation stage can produce; the raw value is the structure name it is stored under.
public enum SegmentedStructure: String, CaseIterable, Hashable, Sendable, Codable {
    /// External contour (keeps arms, drops the couch).
    case body
    /// Left lung without trachea and main bronchi.
    case lungLeft = "lung_left"
    /// Right lung without trachea and main bronchi.
    case lungRight = "lung_right"
    /// Trachea (air column connected to the lungs above the carina).
    case trachea
    /// Bones (high-HU connected components).
    case bones
    /// Spinal canal inside the vertebral bodies, where it can be traced.
    case spinalCanal = "spinal_canal"
}
