import Foundation

/// Replays files and directories of fuzz inputs through a ``FuzzHarness`` (the tool's mode without `-DFUZZING`), so a
/// normal build can check that every corpus input still runs without a crash.
enum CorpusReplay {
    /// Replays every regular file under `paths` (directories are walked), in name order; returns the exit status.
    static func main(_ paths: [String]) -> Int32 {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: QSnapFuzz CORPUS_DIR_OR_FILE...\n".utf8))
            return 2
        }
        var files: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                FileHandle.standardError.write(Data("QSnapFuzz: \(path) does not exist\n".utf8))
                return 2
            }
            if isDir.boolValue {
                let items = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
                for item in items.sorted() {
                    let full = (path as NSString).appendingPathComponent(item)
                    var sub: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue {
                        files.append(full)
                    }
                }
            } else {
                files.append(path)
            }
        }
        let harness = FuzzHarness()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("QSnapFuzz: cannot read \(file)\n".utf8))
                return 1
            }
            data.withUnsafeBytes { harness.run($0) }
        }
        let t = harness.tally
        let refusals = t.refusals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print(
            "replayed \(t.inputs) inputs: \(t.accepted) accepted by every mode; refusals: \(refusals.isEmpty ? "none" : refusals)"
        )
        return 0
    }
}
