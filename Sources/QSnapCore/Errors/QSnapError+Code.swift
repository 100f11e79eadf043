extension QSnapError {
    /// What failed, as a closed set of stable identifiers (the `code` of `--json` output, e.g. `archive.corrupt`).
    ///
    /// Each code belongs to one ``Category``, which decides the exit status of the command. The library targets
    /// (HTTP, S3, Qdrant, Archive) have codes of their own; `QSnap` maps each to the code here of the same identifier.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        // MARK: advice
        /// `advice.defaults` (failure, exit 1).
        case adviceDefaults = "advice.defaults"
        /// `advice.fact` (usage, exit 2).
        case adviceFact = "advice.fact"
        /// `advice.live` (failure, exit 1).
        case adviceLive = "advice.live"
        /// `advice.no-facts` (usage, exit 2).
        case adviceNoFacts = "advice.no-facts"
        /// `advice.policy` (usage, exit 2).
        case advicePolicy = "advice.policy"
        // MARK: alias
        /// `alias.collision` (refused, exit 3).
        case aliasCollision = "alias.collision"
        /// `alias.not-green` (refused, exit 3).
        case aliasNotGreen = "alias.not-green"
        /// `alias.target` (usage, exit 2).
        case aliasTarget = "alias.target"
        // MARK: archive
        /// `archive.absolute-path` (refused, exit 3).
        case archiveAbsolutePath = "archive.absolute-path"
        /// `archive.bad-metadata` (refused, exit 3).
        case archiveBadMetadata = "archive.bad-metadata"
        /// `archive.checksum` (verificationFailed, exit 4).
        case archiveChecksum = "archive.checksum"
        /// `archive.corrupt` (refused, exit 3).
        case archiveCorrupt = "archive.corrupt"
        /// `archive.duplicate-entry` (refused, exit 3).
        case archiveDuplicateEntry = "archive.duplicate-entry"
        /// `archive.expansion` (refused, exit 3).
        case archiveExpansion = "archive.expansion"
        /// `archive.feed-closed` (failure, exit 1).
        case archiveFeedClosed = "archive.feed-closed"
        /// `archive.incomplete` (refused, exit 3).
        case archiveIncomplete = "archive.incomplete"
        /// `archive.invalid-name` (refused, exit 3).
        case archiveInvalidName = "archive.invalid-name"
        /// `archive.link` (refused, exit 3).
        case archiveLink = "archive.link"
        /// `archive.not-qdrant` (refused, exit 3).
        case archiveNotQdrant = "archive.not-qdrant"
        /// `archive.not-tar` (refused, exit 3).
        case archiveNotTar = "archive.not-tar"
        /// `archive.open` (usage, exit 2).
        case archiveOpen = "archive.open"
        /// `archive.overlong-name` (refused, exit 3).
        case archiveOverlongName = "archive.overlong-name"
        /// `archive.oversized` (refused, exit 3).
        case archiveOversized = "archive.oversized"
        /// `archive.path-traversal` (refused, exit 3).
        case archivePathTraversal = "archive.path-traversal"
        /// `archive.read` (failure, exit 1).
        case archiveRead = "archive.read"
        /// `archive.special-file` (refused, exit 3).
        case archiveSpecialFile = "archive.special-file"
        /// `archive.truncated` (refused, exit 3).
        case archiveTruncated = "archive.truncated"
        // MARK: backup
        /// `backup.being-deleted` (usage, exit 2).
        case backupBeingDeleted = "backup.being-deleted"
        /// `backup.collection` (usage, exit 2).
        case backupCollection = "backup.collection"
        /// `backup.corrupt-download` (verificationFailed, exit 4).
        case backupCorruptDownload = "backup.corrupt-download"
        /// `backup.full-in-cluster` (refused, exit 3).
        case backupFullInCluster = "backup.full-in-cluster"
        /// `backup.full-several-nodes` (usage, exit 2).
        case backupFullSeveralNodes = "backup.full-several-nodes"
        /// `backup.id` (usage, exit 2).
        case backupId = "backup.id"
        /// `backup.manifest` (verificationFailed, exit 4).
        case backupManifest = "backup.manifest"
        /// `backup.no-active-replica` (refused, exit 3).
        case backupNoActiveReplica = "backup.no-active-replica"
        /// `backup.no-collections` (usage, exit 2).
        case backupNoCollections = "backup.no-collections"
        /// `backup.node` (failure, exit 1).
        case backupNode = "backup.node"
        /// `backup.none` (usage, exit 2).
        case backupNone = "backup.none"
        /// `backup.not-found` (usage, exit 2).
        case backupNotFound = "backup.not-found"
        /// `backup.orphan-uploads` (failure, exit 1).
        case backupOrphanUploads = "backup.orphan-uploads"
        /// `backup.qdrant` (usage, exit 2).
        case backupQdrant = "backup.qdrant"
        /// `backup.server-side` (usage, exit 2).
        case backupServerSide = "backup.server-side"
        /// `backup.store-size` (verificationFailed, exit 4).
        case backupStoreSize = "backup.store-size"
        /// `backup.tag` (usage, exit 2).
        case backupTag = "backup.tag"
        // MARK: cloud
        /// `cloud.auth` (refused, exit 3).
        case cloudAuth = "cloud.auth"
        /// `cloud.backup-failed` (failure, exit 1).
        case cloudBackupFailed = "cloud.backup-failed"
        /// `cloud.backup-not-ready` (refused, exit 3).
        case cloudBackupNotReady = "cloud.backup-not-ready"
        /// `cloud.cluster-mismatch` (usage, exit 2).
        case cloudClusterMismatch = "cloud.cluster-mismatch"
        /// `cloud.conflict` (failure, exit 1).
        case cloudConflict = "cloud.conflict"
        /// `cloud.failed-precondition` (refused, exit 3).
        case cloudFailedPrecondition = "cloud.failed-precondition"
        /// `cloud.id` (usage, exit 2).
        case cloudId = "cloud.id"
        /// `cloud.insecure-url` (usage, exit 2).
        case cloudInsecureUrl = "cloud.insecure-url"
        /// `cloud.invalid-argument` (usage, exit 2).
        case cloudInvalidArgument = "cloud.invalid-argument"
        /// `cloud.key-missing` (usage, exit 2).
        case cloudKeyMissing = "cloud.key-missing"
        /// `cloud.name` (usage, exit 2).
        case cloudName = "cloud.name"
        /// `cloud.not-found` (usage, exit 2).
        case cloudNotFound = "cloud.not-found"
        /// `cloud.pagination` (failure, exit 1).
        case cloudPagination = "cloud.pagination"
        /// `cloud.permission` (refused, exit 3).
        case cloudPermission = "cloud.permission"
        /// `cloud.rate-limited` (failure, exit 1).
        case cloudRateLimited = "cloud.rate-limited"
        /// `cloud.response` (failure, exit 1).
        case cloudResponse = "cloud.response"
        /// `cloud.restore-failed` (failure, exit 1).
        case cloudRestoreFailed = "cloud.restore-failed"
        /// `cloud.restore-unconfirmed` (refused, exit 3).
        case cloudRestoreUnconfirmed = "cloud.restore-unconfirmed"
        /// `cloud.retention` (usage, exit 2).
        case cloudRetention = "cloud.retention"
        /// `cloud.schedule` (usage, exit 2).
        case cloudSchedule = "cloud.schedule"
        /// `cloud.schedule-update` (usage, exit 2).
        case cloudScheduleUpdate = "cloud.schedule-update"
        /// `cloud.server` (failure, exit 1).
        case cloudServer = "cloud.server"
        /// `cloud.tls` (failure, exit 1).
        case cloudTls = "cloud.tls"
        /// `cloud.unreachable` (failure, exit 1).
        case cloudUnreachable = "cloud.unreachable"
        /// `cloud.url` (usage, exit 2).
        case cloudUrl = "cloud.url"
        /// `cloud.wait-timeout` (failure, exit 1).
        case cloudWaitTimeout = "cloud.wait-timeout"
        // MARK: crypto
        /// `crypto.chunk-missing` (verificationFailed, exit 4).
        case cryptoChunkMissing = "crypto.chunk-missing"
        /// `crypto.chunk-reordered` (verificationFailed, exit 4).
        case cryptoChunkReordered = "crypto.chunk-reordered"
        /// `crypto.header` (verificationFailed, exit 4).
        case cryptoHeader = "crypto.header"
        /// `crypto.not-encrypted` (verificationFailed, exit 4).
        case cryptoNotEncrypted = "crypto.not-encrypted"
        /// `crypto.tampered` (verificationFailed, exit 4).
        case cryptoTampered = "crypto.tampered"
        /// `crypto.trailing-data` (verificationFailed, exit 4).
        case cryptoTrailingData = "crypto.trailing-data"
        /// `crypto.truncated` (verificationFailed, exit 4).
        case cryptoTruncated = "crypto.truncated"
        // MARK: doctor
        /// `doctor.delete` (failure, exit 1).
        case doctorDelete = "doctor.delete"
        /// `doctor.get` (failure, exit 1).
        case doctorGet = "doctor.get"
        /// `doctor.list` (failure, exit 1).
        case doctorList = "doctor.list"
        /// `doctor.multipart` (failure, exit 1).
        case doctorMultipart = "doctor.multipart"
        /// `doctor.repo` (failure, exit 1).
        case doctorRepo = "doctor.repo"
        // MARK: drill
        /// `drill.collection` (usage, exit 2).
        case drillCollection = "drill.collection"
        /// `drill.failed` (verificationFailed, exit 4).
        case drillFailed = "drill.failed"
        /// `drill.target` (usage, exit 2).
        case drillTarget = "drill.target"
        // MARK: forget
        /// `forget.ids` (usage, exit 2).
        case forgetIds = "forget.ids"
        /// `forget.object-lock` (refused, exit 3).
        case forgetObjectLock = "forget.object-lock"
        /// `forget.protected` (refused, exit 3).
        case forgetProtected = "forget.protected"
        // MARK: http
        /// `http.body` (failure, exit 1).
        case httpBody = "http.body"
        /// `http.transport` (failure, exit 1).
        case httpTransport = "http.transport"
        // MARK: inspect
        /// `inspect.checksum` (usage, exit 2).
        case inspectChecksum = "inspect.checksum"
        /// `inspect.sidecar` (usage, exit 2).
        case inspectSidecar = "inspect.sidecar"
        // MARK: internal
        /// `internal` (failure, exit 1).
        case `internal` = "internal"
        // MARK: interrupted
        /// `interrupted` (failure, exit 1).
        case interrupted = "interrupted"
        // MARK: job
        /// `job.api-key-env` (usage, exit 2).
        case jobApiKeyEnv = "job.api-key-env"
        /// `job.file` (usage, exit 2).
        case jobFile = "job.file"
        /// `job.retention-file` (usage, exit 2).
        case jobRetentionFile = "job.retention-file"
        /// `job.spec` (usage, exit 2).
        case jobSpec = "job.spec"
        // MARK: key
        /// `key.file` (refused, exit 3).
        case keyFile = "key.file"
        /// `key.in-use` (refused, exit 3).
        case keyInUse = "key.in-use"
        /// `key.kdf` (failure, exit 1).
        case keyKdf = "key.kdf"
        /// `key.kdf-parameters` (refused, exit 3).
        case keyKdfParameters = "key.kdf-parameters"
        /// `key.none` (keyRejected, exit 6).
        case keyNone = "key.none"
        /// `key.not-found` (usage, exit 2).
        case keyNotFound = "key.not-found"
        /// `key.password-command` (usage, exit 2).
        case keyPasswordCommand = "key.password-command"
        /// `key.password-file` (usage, exit 2).
        case keyPasswordFile = "key.password-file"
        /// `key.password-missing` (usage, exit 2).
        case keyPasswordMissing = "key.password-missing"
        /// `key.plain-repository` (usage, exit 2).
        case keyPlainRepository = "key.plain-repository"
        /// `key.wrong-password` (keyRejected, exit 6).
        case keyWrongPassword = "key.wrong-password"
        // MARK: lock
        /// `lock.lost` (failure, exit 1).
        case lockLost = "lock.lost"
        /// `lock.read` (failure, exit 1).
        case lockRead = "lock.read"
        /// `lock.unreadable` (refused, exit 3).
        case lockUnreadable = "lock.unreadable"
        /// `lock.write` (failure, exit 1).
        case lockWrite = "lock.write"
        // MARK: metrics
        /// `metrics.textfile` (failure, exit 1).
        case metricsTextfile = "metrics.textfile"
        /// `metrics.write` (failure, exit 1).
        case metricsWrite = "metrics.write"
        // MARK: migrate
        /// `migrate.add-vector` (usage, exit 2).
        case migrateAddVector = "migrate.add-vector"
        /// `migrate.alias` (refused, exit 3).
        case migrateAlias = "migrate.alias"
        /// `migrate.config` (failure, exit 1).
        case migrateConfig = "migrate.config"
        /// `migrate.count` (verificationFailed, exit 4).
        case migrateCount = "migrate.count"
        /// `migrate.filter` (usage, exit 2).
        case migrateFilter = "migrate.filter"
        /// `migrate.in-place` (usage, exit 2).
        case migrateInPlace = "migrate.in-place"
        /// `migrate.in-place-sparse` (refused, exit 3).
        case migrateInPlaceSparse = "migrate.in-place-sparse"
        /// `migrate.in-place-unnamed` (refused, exit 3).
        case migrateInPlaceUnnamed = "migrate.in-place-unnamed"
        /// `migrate.in-place-unverified` (verificationFailed, exit 4).
        case migrateInPlaceUnverified = "migrate.in-place-unverified"
        /// `migrate.in-place-version` (refused, exit 3).
        case migrateInPlaceVersion = "migrate.in-place-version"
        /// `migrate.journal` (failure, exit 1).
        case migrateJournal = "migrate.journal"
        /// `migrate.query` (verificationFailed, exit 4).
        case migrateQuery = "migrate.query"
        /// `migrate.rename-vector` (usage, exit 2).
        case migrateRenameVector = "migrate.rename-vector"
        /// `migrate.resume-changed` (refused, exit 3).
        case migrateResumeChanged = "migrate.resume-changed"
        /// `migrate.samples` (verificationFailed, exit 4).
        case migrateSamples = "migrate.samples"
        /// `migrate.stream` (failure, exit 1).
        case migrateStream = "migrate.stream"
        /// `migrate.target-exists` (refused, exit 3).
        case migrateTargetExists = "migrate.target-exists"
        // MARK: qdrant
        /// `qdrant.access` (refused, exit 3).
        case qdrantAccess = "qdrant.access"
        /// `qdrant.auth` (refused, exit 3).
        case qdrantAuth = "qdrant.auth"
        /// `qdrant.bad-request` (failure, exit 1).
        case qdrantBadRequest = "qdrant.bad-request"
        /// `qdrant.bad-response` (failure, exit 1).
        case qdrantBadResponse = "qdrant.bad-response"
        /// `qdrant.checksum` (usage, exit 2).
        case qdrantChecksum = "qdrant.checksum"
        /// `qdrant.conflict` (failure, exit 1).
        case qdrantConflict = "qdrant.conflict"
        /// `qdrant.download-encoding` (failure, exit 1).
        case qdrantDownloadEncoding = "qdrant.download-encoding"
        /// `qdrant.download-length` (verificationFailed, exit 4).
        case qdrantDownloadLength = "qdrant.download-length"
        /// `qdrant.full-recover` (refused, exit 3).
        case qdrantFullRecover = "qdrant.full-recover"
        /// `qdrant.jwt` (usage, exit 2).
        case qdrantJwt = "qdrant.jwt"
        /// `qdrant.jwt-expired` (refused, exit 3).
        case qdrantJwtExpired = "qdrant.jwt-expired"
        /// `qdrant.jwt-signature` (refused, exit 3).
        case qdrantJwtSignature = "qdrant.jwt-signature"
        /// `qdrant.node-endpoint` (failure, exit 1).
        case qdrantNodeEndpoint = "qdrant.node-endpoint"
        /// `qdrant.node-url` (usage, exit 2).
        case qdrantNodeUrl = "qdrant.node-url"
        /// `qdrant.not-found` (failure, exit 1).
        case qdrantNotFound = "qdrant.not-found"
        /// `qdrant.rate-limited` (failure, exit 1).
        case qdrantRateLimited = "qdrant.rate-limited"
        /// `qdrant.server` (failure, exit 1).
        case qdrantServer = "qdrant.server"
        /// `qdrant.snapshot-name` (refused, exit 3).
        case qdrantSnapshotName = "qdrant.snapshot-name"
        /// `qdrant.snapshot-timeout` (failure, exit 1).
        case qdrantSnapshotTimeout = "qdrant.snapshot-timeout"
        /// `qdrant.snapshot-vanished` (failure, exit 1).
        case qdrantSnapshotVanished = "qdrant.snapshot-vanished"
        /// `qdrant.tls` (failure, exit 1).
        case qdrantTls = "qdrant.tls"
        /// `qdrant.upload-length` (failure, exit 1).
        case qdrantUploadLength = "qdrant.upload-length"
        /// `qdrant.upload-name` (usage, exit 2).
        case qdrantUploadName = "qdrant.upload-name"
        /// `qdrant.url` (usage, exit 2).
        case qdrantUrl = "qdrant.url"
        // MARK: recover
        /// `recover.compressed` (refused, exit 3).
        case recoverCompressed = "recover.compressed"
        /// `recover.file` (usage, exit 2).
        case recoverFile = "recover.file"
        /// `recover.kind` (refused, exit 3).
        case recoverKind = "recover.kind"
        /// `recover.sha256` (failure, exit 1).
        case recoverSha256 = "recover.sha256"
        // MARK: repo
        /// `repo.cannot-open` (usage, exit 2).
        case repoCannotOpen = "repo.cannot-open"
        /// `repo.compression` (usage, exit 2).
        case repoCompression = "repo.compression"
        /// `repo.config` (refused, exit 3).
        case repoConfig = "repo.config"
        /// `repo.cp` (usage, exit 2).
        case repoCp = "repo.cp"
        /// `repo.create` (failure, exit 1).
        case repoCreate = "repo.create"
        /// `repo.delete` (failure, exit 1).
        case repoDelete = "repo.delete"
        /// `repo.has-backups` (refused, exit 3).
        case repoHasBackups = "repo.has-backups"
        /// `repo.initialized` (refused, exit 3).
        case repoInitialized = "repo.initialized"
        /// `repo.key` (refused, exit 3).
        case repoKey = "repo.key"
        /// `repo.missing-object` (failure, exit 1).
        case repoMissingObject = "repo.missing-object"
        /// `repo.oversized` (failure, exit 1).
        case repoOversized = "repo.oversized"
        /// `repo.path` (usage, exit 2).
        case repoPath = "repo.path"
        /// `repo.read` (failure, exit 1).
        case repoRead = "repo.read"
        /// `repo.url` (usage, exit 2).
        case repoUrl = "repo.url"
        /// `repo.write` (failure, exit 1).
        case repoWrite = "repo.write"
        // MARK: repository
        /// `repository.locked` (busy, exit 5).
        case repositoryLocked = "repository.locked"
        // MARK: restore
        /// `restore.alias-twice` (usage, exit 2).
        case restoreAliasTwice = "restore.alias-twice"
        /// `restore.collection` (usage, exit 2).
        case restoreCollection = "restore.collection"
        /// `restore.count` (verificationFailed, exit 4).
        case restoreCount = "restore.count"
        /// `restore.failed` (failure, exit 1).
        case restoreFailed = "restore.failed"
        /// `restore.gate-alias` (refused, exit 3).
        case restoreGateAlias = "restore.gate-alias"
        /// `restore.gate-disk` (refused, exit 3).
        case restoreGateDisk = "restore.gate-disk"
        /// `restore.gate-ram` (refused, exit 3).
        case restoreGateRam = "restore.gate-ram"
        /// `restore.gate-topology` (refused, exit 3).
        case restoreGateTopology = "restore.gate-topology"
        /// `restore.gate-version` (refused, exit 3).
        case restoreGateVersion = "restore.gate-version"
        /// `restore.inspect` (failure, exit 1).
        case restoreInspect = "restore.inspect"
        /// `restore.internal` (failure, exit 1).
        case restoreInternal = "restore.internal"
        /// `restore.locked` (busy, exit 5).
        case restoreLocked = "restore.locked"
        /// `restore.manifest` (failure, exit 1).
        case restoreManifest = "restore.manifest"
        /// `restore.map` (usage, exit 2).
        case restoreMap = "restore.map"
        /// `restore.nested-missing` (verificationFailed, exit 4).
        case restoreNestedMissing = "restore.nested-missing"
        /// `restore.nested-size` (verificationFailed, exit 4).
        case restoreNestedSize = "restore.nested-size"
        /// `restore.no-objects` (failure, exit 1).
        case restoreNoObjects = "restore.no-objects"
        /// `restore.payload-index` (verificationFailed, exit 4).
        case restorePayloadIndex = "restore.payload-index"
        /// `restore.placement` (failure, exit 1).
        case restorePlacement = "restore.placement"
        /// `restore.query` (verificationFailed, exit 4).
        case restoreQuery = "restore.query"
        /// `restore.read` (failure, exit 1).
        case restoreRead = "restore.read"
        /// `restore.rename` (usage, exit 2).
        case restoreRename = "restore.rename"
        /// `restore.samples` (verificationFailed, exit 4).
        case restoreSamples = "restore.samples"
        /// `restore.shards` (verificationFailed, exit 4).
        case restoreShards = "restore.shards"
        /// `restore.storage-path` (usage, exit 2).
        case restoreStoragePath = "restore.storage-path"
        /// `restore.target` (usage, exit 2).
        case restoreTarget = "restore.target"
        /// `restore.transport` (usage, exit 2).
        case restoreTransport = "restore.transport"
        /// `restore.transport-encrypted` (usage, exit 2).
        case restoreTransportEncrypted = "restore.transport-encrypted"
        /// `restore.upload` (failure, exit 1).
        case restoreUpload = "restore.upload"
        /// `restore.upload-cancelled` (failure, exit 1).
        case restoreUploadCancelled = "restore.upload-cancelled"
        // MARK: retention
        /// `retention.duplicate-id` (failure, exit 1).
        case retentionDuplicateId = "retention.duplicate-id"
        /// `retention.policy` (usage, exit 2).
        case retentionPolicy = "retention.policy"
        // MARK: run
        /// `run.internal` (failure, exit 1).
        case runInternal = "run.internal"
        // MARK: s3
        /// `s3.access-denied` (failure, exit 1).
        case s3AccessDenied = "s3.access-denied"
        /// `s3.auth` (failure, exit 1).
        case s3Auth = "s3.auth"
        /// `s3.bucket` (usage, exit 2).
        case s3Bucket = "s3.bucket"
        /// `s3.ca-bundle` (usage, exit 2).
        case s3CaBundle = "s3.ca-bundle"
        /// `s3.cannot-open` (usage, exit 2).
        case s3CannotOpen = "s3.cannot-open"
        /// `s3.conditional-conflict` (failure, exit 1).
        case s3ConditionalConflict = "s3.conditional-conflict"
        /// `s3.credentials` (usage, exit 2).
        case s3Credentials = "s3.credentials"
        /// `s3.credentials-unavailable` (failure, exit 1).
        case s3CredentialsUnavailable = "s3.credentials-unavailable"
        /// `s3.delete` (failure, exit 1).
        case s3Delete = "s3.delete"
        /// `s3.endpoint` (usage, exit 2).
        case s3Endpoint = "s3.endpoint"
        /// `s3.error` (failure, exit 1).
        case s3Error = "s3.error"
        /// `s3.no-such-bucket` (failure, exit 1).
        case s3NoSuchBucket = "s3.no-such-bucket"
        /// `s3.no-such-upload` (failure, exit 1).
        case s3NoSuchUpload = "s3.no-such-upload"
        /// `s3.not-found` (failure, exit 1).
        case s3NotFound = "s3.not-found"
        /// `s3.object-lock` (usage, exit 2).
        case s3ObjectLock = "s3.object-lock"
        /// `s3.object-tag` (usage, exit 2).
        case s3ObjectTag = "s3.object-tag"
        /// `s3.part-number` (failure, exit 1).
        case s3PartNumber = "s3.part-number"
        /// `s3.part-size` (usage, exit 2).
        case s3PartSize = "s3.part-size"
        /// `s3.precondition-failed` (failure, exit 1).
        case s3PreconditionFailed = "s3.precondition-failed"
        /// `s3.presign-expiry` (usage, exit 2).
        case s3PresignExpiry = "s3.presign-expiry"
        /// `s3.profile` (usage, exit 2).
        case s3Profile = "s3.profile"
        /// `s3.protocol` (failure, exit 1).
        case s3Protocol = "s3.protocol"
        /// `s3.read` (failure, exit 1).
        case s3Read = "s3.read"
        /// `s3.region` (failure, exit 1).
        case s3Region = "s3.region"
        /// `s3.sse` (usage, exit 2).
        case s3Sse = "s3.sse"
        /// `s3.storage-class` (usage, exit 2).
        case s3StorageClass = "s3.storage-class"
        /// `s3.too-many-parts` (failure, exit 1).
        case s3TooManyParts = "s3.too-many-parts"
        /// `s3.upload` (failure, exit 1).
        case s3Upload = "s3.upload"
        // MARK: snapshot
        /// `snapshot.ambiguous` (usage, exit 2).
        case snapshotAmbiguous = "snapshot.ambiguous"
        /// `snapshot.checksum` (verificationFailed, exit 4).
        case snapshotChecksum = "snapshot.checksum"
        /// `snapshot.collection` (usage, exit 2).
        case snapshotCollection = "snapshot.collection"
        /// `snapshot.full-in-cluster` (refused, exit 3).
        case snapshotFullInCluster = "snapshot.full-in-cluster"
        /// `snapshot.no-holder` (failure, exit 1).
        case snapshotNoHolder = "snapshot.no-holder"
        /// `snapshot.node` (usage, exit 2).
        case snapshotNode = "snapshot.node"
        /// `snapshot.not-found` (usage, exit 2).
        case snapshotNotFound = "snapshot.not-found"
        /// `snapshot.output` (usage, exit 2).
        case snapshotOutput = "snapshot.output"
        /// `snapshot.shard` (usage, exit 2).
        case snapshotShard = "snapshot.shard"
        /// `snapshot.sidecar` (failure, exit 1).
        case snapshotSidecar = "snapshot.sidecar"
        /// `snapshot.size` (verificationFailed, exit 4).
        case snapshotSize = "snapshot.size"
        // MARK: thread
        /// `thread.create` (failure, exit 1).
        case threadCreate = "thread.create"
        // MARK: verify
        /// `verify.failed` (verificationFailed, exit 4).
        case verifyFailed = "verify.failed"
        /// `verify.inspect` (failure, exit 1).
        case verifyInspect = "verify.inspect"
        /// `verify.missing` (verificationFailed, exit 4).
        case verifyMissing = "verify.missing"
        /// `verify.read` (failure, exit 1).
        case verifyRead = "verify.read"
        /// `verify.size` (verificationFailed, exit 4).
        case verifySize = "verify.size"
        // MARK: zstd
        /// `zstd.compress` (failure, exit 1).
        case zstdCompress = "zstd.compress"
        /// `zstd.corrupt` (verificationFailed, exit 4).
        case zstdCorrupt = "zstd.corrupt"
        /// `zstd.truncated` (verificationFailed, exit 4).
        case zstdTruncated = "zstd.truncated"

        /// The stable identifier, such as `archive.corrupt`.
        public var identifier: String { rawValue }

        public var description: String { rawValue }

        /// The kind of failure, which decides the exit status.
        public var category: Category {
            switch self {
            case .adviceDefaults, .adviceLive, .archiveFeedClosed, .archiveRead, .backupNode, .backupOrphanUploads,
                .cloudBackupFailed, .cloudConflict, .cloudPagination, .cloudRateLimited, .cloudResponse,
                .cloudRestoreFailed, .cloudServer, .cloudTls, .cloudUnreachable, .cloudWaitTimeout, .doctorDelete,
                .doctorGet, .doctorList, .doctorMultipart, .doctorRepo, .httpBody, .httpTransport, .internal,
                .interrupted, .keyKdf, .lockLost, .lockRead, .lockWrite, .metricsTextfile, .metricsWrite,
                .migrateConfig, .migrateJournal, .migrateStream, .qdrantBadRequest, .qdrantBadResponse, .qdrantConflict,
                .qdrantDownloadEncoding, .qdrantNodeEndpoint, .qdrantNotFound, .qdrantRateLimited, .qdrantServer,
                .qdrantSnapshotTimeout, .qdrantSnapshotVanished, .qdrantTls, .qdrantUploadLength, .recoverSha256,
                .repoCreate, .repoDelete, .repoMissingObject, .repoOversized, .repoRead, .repoWrite, .restoreFailed,
                .restoreInspect, .restoreInternal, .restoreManifest, .restoreNoObjects, .restorePlacement, .restoreRead,
                .restoreUpload, .restoreUploadCancelled, .retentionDuplicateId, .runInternal, .s3AccessDenied, .s3Auth,
                .s3ConditionalConflict, .s3CredentialsUnavailable, .s3Delete, .s3Error, .s3NoSuchBucket,
                .s3NoSuchUpload, .s3NotFound, .s3PartNumber, .s3PreconditionFailed, .s3Protocol, .s3Read, .s3Region,
                .s3TooManyParts, .s3Upload, .snapshotNoHolder, .snapshotSidecar, .threadCreate, .verifyInspect,
                .verifyRead, .zstdCompress:
                return .failure
            case .adviceFact, .adviceNoFacts, .advicePolicy, .aliasTarget, .archiveOpen, .backupBeingDeleted,
                .backupCollection, .backupFullSeveralNodes, .backupId, .backupNoCollections, .backupNone,
                .backupNotFound, .backupQdrant, .backupServerSide, .backupTag, .cloudClusterMismatch, .cloudId,
                .cloudInsecureUrl, .cloudInvalidArgument, .cloudKeyMissing, .cloudName, .cloudNotFound, .cloudRetention,
                .cloudSchedule, .cloudScheduleUpdate, .cloudUrl, .drillCollection, .drillTarget, .forgetIds,
                .inspectChecksum, .inspectSidecar, .jobApiKeyEnv, .jobFile, .jobRetentionFile, .jobSpec, .keyNotFound,
                .keyPasswordCommand, .keyPasswordFile, .keyPasswordMissing, .keyPlainRepository, .migrateAddVector,
                .migrateFilter, .migrateInPlace, .migrateRenameVector, .qdrantChecksum, .qdrantJwt, .qdrantNodeUrl,
                .qdrantUploadName, .qdrantUrl, .recoverFile, .repoCannotOpen, .repoCompression, .repoCp, .repoPath,
                .repoUrl, .restoreAliasTwice, .restoreCollection, .restoreMap, .restoreRename, .restoreStoragePath,
                .restoreTarget, .restoreTransport, .restoreTransportEncrypted, .retentionPolicy, .s3Bucket, .s3CaBundle,
                .s3CannotOpen, .s3Credentials, .s3Endpoint, .s3ObjectLock, .s3ObjectTag, .s3PartSize, .s3PresignExpiry,
                .s3Profile, .s3Sse, .s3StorageClass, .snapshotAmbiguous, .snapshotCollection, .snapshotNode,
                .snapshotNotFound, .snapshotOutput, .snapshotShard:
                return .usage
            case .aliasCollision, .aliasNotGreen, .archiveAbsolutePath, .archiveBadMetadata, .archiveCorrupt,
                .archiveDuplicateEntry, .archiveExpansion, .archiveIncomplete, .archiveInvalidName, .archiveLink,
                .archiveNotQdrant, .archiveNotTar, .archiveOverlongName, .archiveOversized, .archivePathTraversal,
                .archiveSpecialFile, .archiveTruncated, .backupFullInCluster, .backupNoActiveReplica, .cloudAuth,
                .cloudBackupNotReady, .cloudFailedPrecondition, .cloudPermission, .cloudRestoreUnconfirmed,
                .forgetObjectLock, .forgetProtected, .keyFile, .keyInUse, .keyKdfParameters, .lockUnreadable,
                .migrateAlias, .migrateInPlaceSparse, .migrateInPlaceUnnamed, .migrateInPlaceVersion,
                .migrateResumeChanged, .migrateTargetExists, .qdrantAccess, .qdrantAuth, .qdrantFullRecover,
                .qdrantJwtExpired, .qdrantJwtSignature, .qdrantSnapshotName, .recoverCompressed, .recoverKind,
                .repoConfig, .repoHasBackups, .repoInitialized, .repoKey, .restoreGateAlias, .restoreGateDisk,
                .restoreGateRam, .restoreGateTopology, .restoreGateVersion, .snapshotFullInCluster:
                return .refused
            case .archiveChecksum, .backupCorruptDownload, .backupManifest, .backupStoreSize, .cryptoChunkMissing,
                .cryptoChunkReordered, .cryptoHeader, .cryptoNotEncrypted, .cryptoTampered, .cryptoTrailingData,
                .cryptoTruncated, .drillFailed, .migrateCount, .migrateInPlaceUnverified, .migrateQuery,
                .migrateSamples, .qdrantDownloadLength, .restoreCount, .restoreNestedMissing, .restoreNestedSize,
                .restorePayloadIndex, .restoreQuery, .restoreSamples, .restoreShards, .snapshotChecksum, .snapshotSize,
                .verifyFailed, .verifyMissing, .verifySize, .zstdCorrupt, .zstdTruncated:
                return .verificationFailed
            case .repositoryLocked, .restoreLocked:
                return .busy
            case .keyNone, .keyWrongPassword:
                return .keyRejected
            }
        }
    }
}
