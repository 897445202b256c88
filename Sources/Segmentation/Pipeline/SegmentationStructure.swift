/// A structure the slab pipeline can produce; the raw value is the name it is stored under
/// (`/segmentation/<name>`), and `labelValue` its value in the label map.
public enum SegmentationStructure: String, CaseIterable, Sendable, Hashable, Codable {
    /// External contour: keeps the arms, drops couch and pads, internal air included.
    case body
    /// Left lung (patient's left, x > 0 in LPS), without trachea and main bronchi.
    case lungLeft = "lung_left"
    /// Right lung, without trachea and main bronchi.
    case lungRight = "lung_right"
    /// Trachea lumen with the main bronchi.
    case trachea
    /// Bones: cortex and marrow, filled.
    case bones
    /// Spinal canal: the vertebral foramen where vertebrae are in the field of view.
    case spinalCanal = "spinal_canal"

    /// Value of the structure in the UInt8 label map (1…6 in declaration order; later values
    /// overwrite earlier ones where structures overlap, so `body` = 1 is what remains of the body).
    public var labelValue: UInt8 { UInt8(Self.allCases.firstIndex(of: self)! + 1) }
}
