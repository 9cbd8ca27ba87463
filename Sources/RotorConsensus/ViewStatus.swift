/// VR's replica status, as far as the protocol needs it.
public enum ViewStatus: Sendable, Hashable {
    /// Following (or leading) the leader of the current term.
    case normal
    /// Joined the current term, whose leader has not yet started it.
    case viewChange
}
