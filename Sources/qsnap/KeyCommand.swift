import ArgumentParser

/// `qsnap key add|list|remove`: the wrapped keys of an encrypted repository.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage the passwords (wrapped keys) of an encrypted repository.",
        discussion: """
            Each key file wraps the same master key under its own password, so a password is rotated without \
            re-writing data: add a key with the new password, then remove the old key using the new password.
            The current password comes from --password-command, QSNAP_PASSWORD_FILE or QSNAP_PASSWORD; the new one \
            (add) from --new-password-command, --new-password-file or QSNAP_NEW_PASSWORD.

            Examples:
              QSNAP_PASSWORD=old QSNAP_NEW_PASSWORD=new qsnap key add --repo s3://backups/prod
              QSNAP_PASSWORD=new qsnap key list --repo s3://backups/prod --json
              QSNAP_PASSWORD=new qsnap key remove 0123456789abcdef --repo s3://backups/prod
            """,
        subcommands: [KeyAddCommand.self, KeyListCommand.self, KeyRemoveCommand.self])
}
