/// A collection's payload index schema as `GET /collections/{c}` reports it (`payload_schema`: field →
/// `{data_type, params?, points}`): how to create the same indexes again, and how a restored collection's schema
/// differs from a recorded one.
public struct PayloadIndexSchema: Sendable, Equatable {
    /// One indexed field.
    public struct Field: Sendable, Equatable {
        /// The payload key (may be a nested path such as `meta.lang`).
        public var name: String
        /// The index type (`keyword`, `integer`, `text`, …).
        public var dataType: String
        /// The index parameters, when the index has any (e.g. a text index's tokenizer).
        public var params: JSONValue?

        /// The `field_schema` of `PUT /collections/{c}/index`: the parameters when there are any, else the type.
        public var fieldSchema: JSONValue { params ?? .string(dataType) }
    }

    /// The indexed fields, by name.
    public var fields: [Field]

    /// Parses `payload_schema`; entries without a `data_type` are ignored (nothing could recreate them).
    public init(_ schema: JSONValue) {
        fields = (schema.objectValue ?? [:]).compactMap { name, info in
            guard let type = info["data_type"]?.stringValue else { return nil }
            let params = info["params"].flatMap { $0.isNull ? nil : $0 }
            return Field(name: name, dataType: type, params: params)
        }.sorted { $0.name < $1.name }
    }

    /// What `actual` lacks or holds differently, one sentence per field (empty when it has every field of this
    /// schema with the same type and parameters; extra indexes in `actual` are not differences).
    public func differences(from actual: PayloadIndexSchema) -> [String] {
        var out: [String] = []
        for field in fields {
            guard let got = actual.fields.first(where: { $0.name == field.name }) else {
                out.append("the payload index on \(field.name) (\(field.dataType)) is missing")
                continue
            }
            if got.dataType != field.dataType {
                out.append("the payload index on \(field.name) is \(got.dataType), the backup had \(field.dataType)")
            } else if let params = field.params, got.params != params {
                out.append(
                    "the payload index on \(field.name) has parameters \(got.params?.description ?? "none"), "
                        + "the backup had \(params.description)")
            }
        }
        return out
    }
}
