import Foundation
import QSnapCore

/// The readable tree `qsnap inspect` prints.
enum InspectRenderer {
    static func render(_ r: SnapshotReport) -> String {
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        let compression = r.archive.compression.isEmpty ? "plain tar" : r.archive.compression.joined(separator: "+")
        line("\(r.archive.path)")
        line("  kind:            \(r.kind.rawValue) snapshot")
        line("  segment format:  \(r.segmentFormat.rawValue)")
        line(
            "  archive:         \(ByteCount.format(r.archive.bytes)) (\(compression)), \(r.totals.entries) entries, read \(r.archive.mode)"
        )
        if let name = r.name {
            var parts = ["created \(name.createdAt)"]
            if let c = name.collection { parts.insert("collection \(c)", at: 0) }
            if let p = name.peerId { parts.append("peer \(p)") }
            if let s = name.shardId { parts.append("shard \(s)") }
            line("  file name:       " + parts.joined(separator: ", "))
        }
        if let sha = r.archive.sha256 {
            let verdict =
                r.archive.checksumVerified.map {
                    $0 ? " (verified against \(r.archive.checksumSource ?? "checksum"))" : " (MISMATCH)"
                } ?? ""
            line("  sha256:          \(sha)\(verdict)")
        }
        line(
            "  unpacked:        \(ByteCount.format(r.totals.unpackedBytes)); a restore needs about \(ByteCount.format(r.totals.restoreDiskBytes)) of disk"
        )
        if let aliases = r.aliases {
            line(
                "  aliases:         "
                    + (aliases.isEmpty
                        ? "none" : aliases.keys.sorted().map { "\($0) → \(aliases[$0]!)" }.joined(separator: ", ")))
        }
        for c in r.collections {
            line(
                "  collection \(c.name ?? "(unnamed)")"
                    + (c.snapshotFile.map { "  [\($0), \(ByteCount.format(c.bytes))]" } ?? ""))
            if let cfg = c.config {
                line(
                    "    shards \(cfg.shardNumber.map(String.init) ?? "?"), replication \(cfg.replicationFactor.map(String.init) ?? "?"), segment format \(c.segmentFormat.rawValue)"
                )
                for v in cfg.vectors {
                    var desc =
                        "    vector \(v.name.isEmpty ? "(default)" : v.name): \(v.size.map(String.init) ?? "?") × \(v.datatype), \(v.distance ?? "?")"
                    if v.onDisk == true { desc += ", on disk" }
                    if let m = v.multivector { desc += ", multivector \(m)" }
                    if let q = v.quantization { desc += ", quantization \(q)" }
                    line(desc)
                }
                for s in cfg.sparseVectors {
                    line(
                        "    sparse vector \(s.name)" + (s.onDisk == true ? ", index on disk" : "")
                            + (s.modifier.map { ", modifier \($0)" } ?? ""))
                }
                if let q = cfg.quantization, !q.isNull { line("    quantization \(q)") }
            }
            if let schema = c.payloadSchema?.objectValue, !schema.isEmpty {
                line(
                    "    payload index: "
                        + schema.keys.sorted().map { key in
                            let v = schema[key]!
                            return
                                "\(key) (\(v.stringValue ?? v["type"]?.stringValue ?? v["data_type"]?.stringValue ?? "?"))"
                        }.joined(separator: ", "))
            }
            for s in c.shards { line(shardLine(s, indent: "    ")) }
        }
        if let s = r.shard { line(shardLine(s, indent: "  ")) }
        return out
    }

    static func shardLine(_ s: ShardReport, indent: String) -> String {
        var text = "\(indent)shard \(s.id.map(String.init) ?? "(root)"): "
        if s.isLocal == false || !s.hasData {
            text += "no local data (stub of a replica held by another peer)"
        } else {
            text +=
                "\(s.segments) segment\(s.segments == 1 ? "" : "s") \(ByteCount.format(s.segmentBytes)), WAL \(ByteCount.format(s.walBytes))"
        }
        if let peer = s.thisPeerId { text += ", written by peer \(peer)" }
        if let peers = s.peers, !peers.isEmpty {
            text += ", replicas " + peers.keys.sorted().map { "\($0)=\(peers[$0]!)" }.joined(separator: " ")
        }
        if !s.clocks.isEmpty { text += ", \(s.clocks.count) clock\(s.clocks.count == 1 ? "" : "s")" }
        return text
    }
}
