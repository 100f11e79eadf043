import Foundation

/// The process entry point.
@main
enum QSnapMain {
    static func main() async {
        // libarchive converts entry names through the locale: UTF-8 names need a UTF-8 LC_CTYPE. Set it once,
        // before any thread starts.
        setlocale(LC_CTYPE, "C.UTF-8")
        await QSnapCommand.main()
    }
}
