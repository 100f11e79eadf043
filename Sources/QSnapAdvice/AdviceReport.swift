import QSnapCore

/// The outcome of `qsnap advise`: per domain the recommendation, the reasons, the conflicts resolved, the
/// constraints checked with figures, the next steps, warnings, tips and the full rule trail.
///
/// This is the `--json` document; its shape is versioned by ``schemaVersion`` and documented in
/// `policies/README.md` ("JSON output"). Fields are only ever added within a schema version.
public struct AdviceReport: Sendable, Equatable, Codable {
    /// The JSON schema version of this document.
    public static let currentSchemaVersion = 1

    /// Always ``currentSchemaVersion``.
    public var schemaVersion: Int
    /// `ok` (a recommendation, no blocking constraint failed), `blocked` (a blocking constraint failed) or
    /// `undecided` (no domain reached a recommendation).
    public var status: String
    /// The rule files used.
    public var policies: [PolicyRef]
    /// Every known fact, given and derived, sorted by name.
    public var facts: [Fact]
    /// One entry per policy domain, in policy order.
    public var domains: [Domain]

    /// A rule file used.
    public struct PolicyRef: Sendable, Equatable, Codable {
        /// Path or `embedded:<name>`.
        public var file: String
        /// Its `domain:`.
        public var domain: String
        /// Its `version:`.
        public var version: Int
    }

    /// A fact and where it came from.
    public struct Fact: Sendable, Equatable, Codable {
        /// Fact name.
        public var name: String
        /// Typed value: JSON bool, number (bytes and ratios as numbers) or string (versions, choices, texts).
        public var value: AdviceValue
        /// The value for people (`100.00 GiB`, `2.00×`).
        public var display: String
        /// `flag`, `live <url>`, `derived`…
        public var origin: String
    }

    /// The decision for one domain.
    public struct Domain: Sendable, Equatable, Codable {
        /// Domain id (`migration`, `embedding`).
        public var domain: String
        /// Domain title.
        public var title: String
        /// False when the domain's `applies_when` did not hold; then nothing else is filled in but the trail.
        public var applicable: Bool
        /// The chosen method, if any.
        public var recommendation: Recommendation?
        /// Why nothing was recommended (when `recommendation` is null and the domain applies).
        public var undecidedReason: String?
        /// Reasons of the fired rules that recommend the chosen method, highest priority first.
        public var because: [Reason]
        /// Fired rules whose recommendation lost, and how the conflict was resolved.
        public var conflicts: [Conflict]
        /// Methods ruled out, and by which rule.
        public var excluded: [Exclusion]
        /// Findings of fired rules.
        public var findings: [Finding]
        /// The chosen method's constraints, checked.
        public var constraints: [ConstraintCheck]
        /// The chosen method's comparison rows.
        public var properties: [AdviceMethod.Property]
        /// Next commands and manual steps.
        public var nextSteps: [Step]
        /// Warnings (method's and fired rules').
        public var warnings: [Note]
        /// Tips of fired rules.
        public var tips: [Note]
        /// Every rule evaluated, fired or not, and why.
        public var trail: [TrailEntry]
    }

    /// The chosen method.
    public struct Recommendation: Sendable, Equatable, Codable {
        /// Method id.
        public var method: String
        /// Method title.
        public var title: String
        /// Method summary.
        public var summary: String
        /// The rule that decided.
        public var decidedBy: String
        /// Its priority.
        public var priority: Int
    }

    /// A fired rule's reason.
    public struct Reason: Sendable, Equatable, Codable {
        /// Rule id.
        public var rule: String
        /// The reason with facts filled in.
        public var text: String
    }

    /// A fired recommendation that lost.
    public struct Conflict: Sendable, Equatable, Codable {
        /// The losing rule.
        public var rule: String
        /// What it recommended.
        public var method: String
        /// How the conflict was resolved.
        public var resolution: String
    }

    /// A method ruled out.
    public struct Exclusion: Sendable, Equatable, Codable {
        /// Method id.
        public var method: String
        /// The excluding rule.
        public var rule: String
        /// Its reason.
        public var because: String
    }

    /// A finding of a fired rule.
    public struct Finding: Sendable, Equatable, Codable {
        /// Finding name.
        public var name: String
        /// Finding value.
        public var value: String
        /// The rule that recorded it.
        public var rule: String
    }

    /// One checked constraint.
    public struct ConstraintCheck: Sendable, Equatable, Codable {
        /// Constraint id.
        public var id: String
        /// What is checked.
        public var label: String
        /// `pass`, `fail` or `unknown` (a fact is missing).
        public var status: String
        /// `block` or `warn`.
        public var severity: String
        /// The requirement, e.g. `≥ 2.00×`.
        public var required: String
        /// The actual value for people, or `unknown`.
        public var actual: String
        /// The fact checked.
        public var fact: String
        /// Supporting figures.
        public var figures: [Figure]
    }

    /// A supporting figure of a constraint.
    public struct Figure: Sendable, Equatable, Codable {
        /// Fact name.
        public var fact: String
        /// Its value for people, or `unknown`.
        public var value: String
    }

    /// A next step.
    public struct Step: Sendable, Equatable, Codable {
        /// `command` or `manual`.
        public var kind: String
        /// The text with facts filled in.
        public var text: String
    }

    /// A warning or a tip and its origin.
    public struct Note: Sendable, Equatable, Codable {
        /// The text with facts filled in.
        public var text: String
        /// `rule:<id>` or `method:<id>`.
        public var from: String
    }

    /// One evaluated rule.
    public struct TrailEntry: Sendable, Equatable, Codable {
        /// Rule id.
        public var rule: String
        /// Rule priority.
        public var priority: Int
        /// Line in the policy file.
        public var line: Int
        /// `decide` or `after-decision`.
        public var phase: String
        /// `yes`, `no` or `unknown`.
        public var outcome: AdviceTruth
        /// True when the rule fired (outcome `yes`).
        public var fired: Bool
        /// Why the condition had that outcome.
        public var why: String
        /// What the rule does when it fires, e.g. `recommend snapshots`, `exclude cloud-backups`.
        public var effect: String
    }
}
