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

    @Test func integersAreExactEndToEnd() throws {
        let text = #"[9007199254740993,18446744073709551615,-9223372036854775808,1.5,2]"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value[0] == .integer(9_007_199_254_740_993))
        #expect(value[1] == .unsigned(18_446_744_073_709_551_615))
        #expect(value[2] == .integer(.min))
        #expect(value[3] == .number(1.5))
        #expect(value.description == text)
        #expect(value[1]?.uint64Value == .max)
        #expect(value[1]?.intValue == nil)
        #expect(value[0]?.doubleValue == 9_007_199_254_740_992)  // rounded, as a Double must
    }

    @Test func numericEqualityAcrossRepresentations() {
        #expect(JSONValue.number(5) == .integer(5))
        #expect(JSONValue.integer(5).hashValue == JSONValue.number(5).hashValue)
        #expect(JSONValue.number(5.5) != .integer(5))
        #expect(JSONValue.unsigned(1 << 63) == .number(9_223_372_036_854_775_808))
        #expect(JSONValue.string("5") != .integer(5))
        let set: Set<JSONValue> = [.number(7), .integer(7), .unsigned(7)]
        #expect(set.count == 1)
    }
}
