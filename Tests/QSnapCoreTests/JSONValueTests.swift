import Testing
@testable import QSnapCore

@Suite struct JSONValueTests {
    @Test func roundTripsAndAccessors() throws {
        let text = #"{"a":[1,2.5,"x",null,true],"b":{"c":18446744073709},"d":-3}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["a"]?[1]?.doubleValue == 2.5)
        #expect(value["a"]?[2]?.stringValue == "x")
        #expect(value["a"]?[3]?.isNull == true)
        #expect(value["b"]?["c"]?.intValue == 18_446_744_073_709)
        #expect(value["d"]?.intValue == -3)
        #expect(value["missing"] == nil)
        #expect(value.description == #"{"a":[1,2.5,"x",null,true],"b":{"c":18446744073709},"d":-3}"#)
    }
}
