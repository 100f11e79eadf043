/// An estimate of a collection's resident memory, from its recorded configuration and exact point count.
///
/// Formula (documented in `docs/restore.md`):
/// `points × Σ over dense vectors [ (on_disk ? 0 : size × bytes(datatype)) + quantized(size) ]`
/// where `bytes(float32) = 4`, `bytes(float16) = 2`, `bytes(uint8) = 1`, and the quantized copy (the vector's own
/// `quantization_config`, else the collection's) is `size` bytes for scalar int8, `⌈size / 8⌉` for binary and
/// `size × 4 / ratio` for product quantization with compression `xRATIO`. Multivectors count one vector per point;
/// sparse vectors, payloads and HNSW links are not counted (a lower bound of what must stay in RAM).
public enum MemoryFootprint {
    /// One dense vector's figures.
    public struct Vector: Sendable, Equatable {
        /// The vector's name (`""` for the unnamed vector).
        public var name: String
        /// Dimensions.
        public var size: Int
        /// Bytes per dimension of the stored vector.
        public var bytesPerElement: Int
        /// True when the original vectors live on disk (memory-mapped).
        public var onDisk: Bool
        /// Bytes of the quantized copy of one vector (0 without quantization).
        public var quantizedBytes: Int

        /// Resident bytes per point.
        public var bytesPerPoint: Int { (onDisk ? 0 : size * bytesPerElement) + quantizedBytes }
    }

    /// Bytes per element of a `datatype` (`float32` when absent or unknown).
    public static func bytesPerElement(_ datatype: String?) -> Int {
        switch datatype?.lowercased() {
        case "float16": return 2
        case "uint8": return 1
        default: return 4
        }
    }

    /// Bytes of one quantized vector of `size` dimensions under `quantization` (a `quantization_config`).
    public static func quantizedBytes(size: Int, quantization: JSONValue?) -> Int {
        guard let q = quantization, !q.isNull else { return 0 }
        if q["scalar"] != nil { return size }
        if q["binary"] != nil { return (size + 7) / 8 }
        if let product = q["product"] {
            let text = product["compression"]?.stringValue ?? "x4"
            let ratio = max(Int(text.dropFirst()) ?? 4, 1)
            return max(size * 4 / ratio, 1)
        }
        return 0
    }

    /// The dense vectors of a collection config (`params.vectors`, unnamed or named).
    public static func vectors(config: JSONValue) -> [Vector] {
        let collectionQuantization = config["quantization_config"]
        guard let vectors = config["params"]?["vectors"] else { return [] }
        func one(_ name: String, _ v: JSONValue) -> Vector? {
            guard let size = v["size"]?.intValue else { return nil }
            let quantization = (v["quantization_config"].flatMap { $0.isNull ? nil : $0 }) ?? collectionQuantization
            return Vector(
                name: name, size: size, bytesPerElement: bytesPerElement(v["datatype"]?.stringValue),
                onDisk: v["on_disk"]?.boolValue ?? false,
                quantizedBytes: quantizedBytes(size: size, quantization: quantization))
        }
        if vectors["size"] != nil { return one("", vectors).map { [$0] } ?? [] }
        guard let named = vectors.objectValue else { return [] }
        return named.keys.sorted().compactMap { one($0, named[$0]!) }
    }

    /// The estimate for one replica of the whole collection.
    public static func bytes(config: JSONValue, points: Int) -> Int64 {
        Int64(points) * Int64(vectors(config: config).reduce(0) { $0 + $1.bytesPerPoint })
    }
}
