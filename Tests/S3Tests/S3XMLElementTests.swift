import Testing

@testable import S3

@Suite struct S3XMLElementTests {
    @Test func parsesListingWithEntitiesAndNamespaces() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
            <Contents><Key>a&amp;b &lt;c&gt; &#252;&#x65E5;</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag></Contents>
            <Contents><Key><![CDATA[x<y]]></Key><Size>3</Size></Contents><Empty/>
            <IsTruncated>false</IsTruncated></ListBucketResult>
            """
        let root = try #require(S3XMLElement.parse(xml))
        #expect(root.name == "ListBucketResult")
        let contents = root.all("Contents")
        #expect(contents.count == 2)
        #expect(contents[0].string("Key") == "a&b <c> ü日")
        #expect(S3ObjectInfo.unquote(contents[0].string("ETag") ?? "") == "abc")
        #expect(contents[1].string("Key") == "x<y")
        #expect(root.child("Empty") != nil)
        #expect(root.string("IsTruncated") == "false")
    }

    @Test func escapeRoundTrips() throws {
        let key = "a&b<c>\"d'e ü"
        let root = try #require(S3XMLElement.parse("<K>\(S3XMLElement.escape(key))</K>"))
        #expect(root.text == key)
    }

    @Test func garbageIsNil() {
        #expect(S3XMLElement.parse("not xml") == nil)
        #expect(S3XMLElement.parse("<a><b></a") == nil)
    }
}
