/// One page of a `List…` answer: `items`, `totalSize` (only when a page size was asked for) and
/// `nextPageToken` (absent, or empty, on the last page).
public struct CloudListPage<Item: Decodable & Sendable>: Sendable, Decodable {
    /// The items of this page.
    public var items: [Item]
    /// The total across pages, when paginating.
    public var totalSize: Int?
    /// The token for the next page, `nil` on the last.
    public var nextPageToken: String?

    enum CodingKeys: String, CodingKey { case items, totalSize, nextPageToken }

    /// Decodes a page; a missing or `null` `items` is an empty page, an empty token means the last page.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
        totalSize = try c.decodeIfPresent(Int.self, forKey: .totalSize)
        let token = try c.decodeIfPresent(String.self, forKey: .nextPageToken)
        nextPageToken = token?.isEmpty == false ? token : nil
    }
}
