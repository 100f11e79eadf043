/// The BackupService RPCs qsnap calls through the Qdrant Cloud REST gateway, with the HTTP method, path and the
/// permission each one requires (the `google.api.http` and `qdrant.cloud.common.v1.permissions` options of
/// `qdrant/cloud/cluster/backup/v1/backup.proto`).
public enum CloudRPC: String, Sendable, CaseIterable {
    case listBackups = "ListBackups"
    case getBackup = "GetBackup"
    case createBackup = "CreateBackup"
    case deleteBackup = "DeleteBackup"
    case restoreBackup = "RestoreBackup"
    case listBackupRestores = "ListBackupRestores"
    case listBackupSchedules = "ListBackupSchedules"
    case getBackupSchedule = "GetBackupSchedule"
    case createBackupSchedule = "CreateBackupSchedule"
    case updateBackupSchedule = "UpdateBackupSchedule"
    case deleteBackupSchedule = "DeleteBackupSchedule"

    /// What an RPC acts on, for messages ("backup … not found").
    public enum Resource: String, Sendable {
        case backup
        case backupRestore = "backup restore"
        case backupSchedule = "backup schedule"
    }

    /// The service's REST prefix; the account id follows.
    public static let prefix = "/api/cluster/backup/v1/accounts/"

    /// The RPC's name, e.g. `CreateBackup`.
    public var name: String { rawValue }

    /// The HTTP method of its REST mapping.
    public var httpMethod: String {
        switch self {
        case .listBackups, .getBackup, .listBackupRestores, .listBackupSchedules, .getBackupSchedule: return "GET"
        case .createBackup, .restoreBackup, .createBackupSchedule: return "POST"
        case .updateBackupSchedule: return "PUT"
        case .deleteBackup, .deleteBackupSchedule: return "DELETE"
        }
    }

    /// The permission the management key needs.
    public var permission: String {
        switch self {
        case .listBackups, .getBackup, .listBackupRestores: return "read:backups"
        case .createBackup: return "write:backups"
        case .deleteBackup: return "delete:backups"
        case .restoreBackup: return "restore:backups"
        case .listBackupSchedules, .getBackupSchedule: return "read:backup_schedules"
        case .createBackupSchedule, .updateBackupSchedule: return "write:backup_schedules"
        case .deleteBackupSchedule: return "delete:backup_schedules"
        }
    }

    /// What it acts on.
    public var resource: Resource {
        switch self {
        case .listBackups, .getBackup, .createBackup, .deleteBackup, .restoreBackup: return .backup
        case .listBackupRestores: return .backupRestore
        case .listBackupSchedules, .getBackupSchedule, .createBackupSchedule, .updateBackupSchedule,
            .deleteBackupSchedule:
            return .backupSchedule
        }
    }

    /// Reads: safe to repeat after a transient failure.
    public var isIdempotent: Bool { httpMethod == "GET" }

    /// The collection segment of its path.
    var collection: String {
        switch resource {
        case .backup: return "backups"
        case .backupRestore: return "backup_restores"
        case .backupSchedule: return "backup_schedules"
        }
    }

    /// The RPC's path for `accountID` and, where the path names one, the backup or schedule `id` (both UUIDs,
    /// validated by the caller, so no escaping is needed).
    public func path(accountID: String, id: String? = nil) -> String {
        var path = Self.prefix + accountID + "/" + collection
        switch self {
        case .getBackup, .deleteBackup, .getBackupSchedule, .updateBackupSchedule, .deleteBackupSchedule:
            path += "/" + (id ?? "")
        case .restoreBackup:
            path += "/" + (id ?? "") + "/restore"
        case .listBackups, .createBackup, .listBackupRestores, .listBackupSchedules, .createBackupSchedule:
            break
        }
        return path
    }
}
