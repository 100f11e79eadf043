import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap check`: the restore gates without restoring.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a backup can be restored onto a target: version, disk, RAM, topology, aliases.",
        discussion: """
            Each gate reports PASS or FAIL with its figures; exit 3 when one refuses. The same gates run inside \
            `qsnap restore`, and each is skipped only by its own flag (--force-version, --force-disk, \
            --force-ram, --force-topology, --take-over-alias).

            Examples:
              qsnap check latest --repo ./backups --target http://localhost:6333
              qsnap check 20261121T101500Z-ab12cd --repo s3://bucket/qdrant --target http://n1:6333,http://n2:6333 --json
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var selection: RestoreSelectionOptions

    func validate() throws { try selection.validateValues() }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let options = try selection.options()
            let selection = self.selection
            let (_, manifest, target) = try await selection.load(logger: logger)
            let plan: RestorePlan = try await RestorePlanner(manifest: manifest, target: target, options: options)
                .plan()
            if globals.json { try JSONOutput.print(plan) } else if !globals.quiet { Self.render(plan, dryRun: false) }
            if let refusal = plan.refusal { try CheckCommand.refuse(refusal, json: globals.json) }
        }
    }

    /// Exits with the refusal's status; with `--json` the plan (verdict `refused`) is the only document on stdout.
    static func refuse(_ refusal: QSnapError, json: Bool) throws -> Never {
        if !json { throw refusal }
        FileHandle.standardError.write(Data("qsnap: error: \(refusal.message)\n".utf8))
        throw ExitCode(refusal.code.category.exitStatus)
    }

    /// Prints a plan and its gates as text.
    static func render(_ plan: RestorePlan, dryRun: Bool) {
        print(
            "backup \(plan.backupID) (\(plan.kind.rawValue), Qdrant \(plan.sourceVersion)) → "
                + "\(plan.target.joined(separator: ", ")) (Qdrant \(plan.targetVersion))")
        for gate in plan.gates {
            let verdict = gate.verdict.padding(toLength: 6, withPad: " ", startingAt: 0)
            print("  \(verdict) \(gate.gate.rawValue): \(gate.detail)")
            for (k, v) in gate.figures.sorted(by: { $0.key < $1.key }) { print("           \(k) = \(v)") }
        }
        for c in plan.collections {
            let aliases = c.aliases.map { a in c.currentTargets[a].map { "\(a) (now → \($0))" } ?? "\(a) (new)" }
            print(
                "  collection \(c.source) → \(c.staging) (\(c.pointsCount) points); aliases: "
                    + aliases.joined(separator: ", "))
            for s in c.stale { print("    remove stale staging collection \(s)") }
            for o in c.objects {
                let shards = o.shards.map(String.init).joined(separator: ",")
                let destination = o.needed ? o.node : "not needed (its shards come from another node's snapshot)"
                print("    \(o.key) (\(ByteCount.format(o.size)), shards \(shards)) → \(destination)")
            }
        }
        if dryRun {
            print(plan.refused ? "dry run: the restore would be refused" : "dry run: nothing changed")
        } else if !plan.refused {
            print("all gates pass")
        }
    }
}
