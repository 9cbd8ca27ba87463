/// Why a line is not the JSON object it should be, with the 1-based byte column where reading
/// stopped, so a damaged history line can be found and fixed by hand.
struct JSONSyntaxError: Error, Equatable {
    var message: String
    var column: Int
}
