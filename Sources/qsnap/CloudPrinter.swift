import QSnapCore

/// One line per Cloud backup, restore or schedule for the human output of `qsnap cloud`.
enum CloudPrinter {
    /// `ID  STATUS  CREATED  NAME  retention 7d  cluster C`.
    static func line(_ b: CloudBackup) -> String {
        let retention =
            b.retentionSeconds.map { "retention \(CloudDuration.format(seconds: $0))" } ?? "retention forever"
        var parts = [
            b.id ?? "?", b.currentStatus.description, b.createdAt ?? "-", b.label, retention,
            "cluster \(b.clusterID ?? "?")",
        ]
        if let schedule = b.backupScheduleID, !schedule.isEmpty { parts.append("schedule \(schedule)") }
        return parts.joined(separator: "  ")
    }

    /// `restore ID of backup B into cluster C: STATUS`.
    static func line(_ r: CloudBackupRestore) -> String {
        "restore \(r.id ?? "?") of backup \(r.backupID ?? "?") into cluster \(r.clusterID ?? "?"): \(r.currentStatus)"
    }

    /// `ID  STATUS  SCHEDULE  NAME  retention 7d  cluster C`.
    static func line(_ s: CloudBackupSchedule) -> String {
        let retention =
            s.retentionSeconds.map { "retention \(CloudDuration.format(seconds: $0))" } ?? "retention forever"
        return [
            s.id ?? "?", s.status?.description ?? "-", "'\(s.schedule ?? "")'", s.displayName ?? "-", retention,
            "cluster \(s.clusterID ?? "?")",
        ].joined(separator: "  ")
    }
}
