/// Errors raised while reading, validating or writing case files, result files and imports.
///
/// Every case names the file and, where there is one, the HDF5 object (dataset, group or
/// attribute path) so that a message read in a log is enough to find the problem.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be opened, created, synced or renamed.
    case io(file: String, reason: String)
    /// The file exists but is not an HDF5 file (or its superblock is damaged).
    case notHDF5(file: String)
    /// An HDF5 library call returned an error (damaged or truncated file, disk full...);
    /// `detail` is the library's innermost message (may be empty).
    case hdf5(file: String, object: String, operation: String, detail: String)
    /// A required dataset, group or attribute is absent.
    case missing(file: String, object: String)
    /// An object is present but its type, shape or values are not acceptable.
    case invalid(file: String, object: String, reason: String)
    /// A dataset holds more elements than ``StoreLimits/maxVoxels`` allows (checked before allocating).
    case tooLarge(file: String, object: String, elements: Int, limit: Int)
    /// A NIfTI-1 file cannot be imported.
    case nifti(file: String, reason: String)

    public var description: String {
        switch self {
        case .io(let f, let r): return "\(f): \(r)"
        case .notHDF5(let f): return "\(f): not an HDF5 file (missing or damaged HDF5 signature)"
        case .hdf5(let f, let o, let op, let d):
            return "\(f): \(o): HDF5 \(op) failed (\(d.isEmpty ? "file damaged, truncated or not writable" : d))"
        case .missing(let f, let o): return "\(f): \(o) is missing"
        case .invalid(let f, let o, let r): return "\(f): \(o): \(r)"
        case .tooLarge(let f, let o, let n, let l):
            return "\(f): \(o) has \(n) elements, more than the limit of \(l) (StoreLimits.maxVoxels)"
        case .nifti(let f, let r): return "\(f): NIfTI import: \(r)"
        }
    }
}
