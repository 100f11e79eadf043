import QSnapCore

extension QSnapError.Category {
    /// The process exit status of an error of this category.
    var exitStatus: Int32 {
        switch self {
        case .failure: return ExitStatus.failure
        case .usage: return ExitStatus.usage
        case .refused: return ExitStatus.refused
        case .verificationFailed: return ExitStatus.verificationFailed
        case .busy: return ExitStatus.busy
        case .keyRejected: return ExitStatus.keyRejected
        }
    }
}
