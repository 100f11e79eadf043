"""A test double of the Qdrant Cloud management API's REST gateway (BackupService), written from
qdrant/qdrant-cloud-public-api `proto/qdrant/cloud/cluster/backup/v1/backup.proto` and its generated
`backup.swagger.json`. See ../README.md."""
