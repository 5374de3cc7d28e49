#include "miit/soap.h"

#include <gtest/gtest.h>

#include "miit/xml.h"

namespace icp::miit {
namespace {

SoapRequest Upload() {
  SoapRequest r;
  r.method = Method::kUpload;
  r.isp_id = 440000000123;
  r.user_name = "beian<&>";
  r.rand_val = "aZ3kQ9xT2mB7nL4pW8vC";
  r.pwd_hash = "Wy3xhGl5PmoCTNPlKNYtxg==";
  r.beian_info = "UEsDBA==";
  r.beian_info_hash = "RB8cMvOySRLqm7n5sJLCeA==";
  r.data_sequence = 7;
  r.encrypt_algorithm = 1;
  return r;
}

TEST(Soap, RoundTripsARequestOfEveryMethod) {
  for (Method m : kMethods.All()) {
    SoapRequest r = Upload();
    r.method = m;
    // Only the method's own parameters travel; the rest keep their defaults.
    Result<SoapRequest> back = ParseRequest(BuildRequest(r));
    ASSERT_TRUE(back.has_value()) << kMethods.Name(m) << ": " << back.error().message;
    EXPECT_EQ(back->method, m);
    EXPECT_EQ(back->isp_id, r.isp_id);
    EXPECT_EQ(back->user_name, r.user_name);
    EXPECT_EQ(back->pwd_hash, r.pwd_hash);
  }
  EXPECT_EQ(ParseRequest(BuildRequest(Upload())).value(), Upload());
}

TEST(Soap, RoundTripsTheOwnParametersOfQueryAndVerify) {
  SoapRequest q;
  q.method = Method::kQueryBeianStatus;
  q.query_condition_type = 0;
  q.query_condition = "example.cn";
  EXPECT_EQ(ParseRequest(BuildRequest(q)).value(), q);
  SoapRequest v;
  v.method = Method::kVerifyBamm;
  v.baxh = "粤ICP备20000001号";
  v.bamm = "1a64a010767f0725fb52111b0a9e9f84";
  EXPECT_EQ(ParseRequest(BuildRequest(v)).value(), v);
  SoapRequest a;
  a.method = Method::kDownloadAck;
  a.file_name = "BAJG20250305001";
  EXPECT_EQ(ParseRequest(BuildRequest(a)).value(), a);
}

TEST(Soap, MatchesNamesIgnoringCaseAndOrderAndPrefix) {
  std::string envelope =
      "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Header/><s:Body>"
      "<m:ISP_DOWNLOAD xmlns:m='http://other/'><hashAlgorithm>0</hashAlgorithm>"
      "<pwdHash>h</pwdHash><randVal>r</randVal><userName>u</userName><ispID> 12 </ispID>"
      "</m:ISP_DOWNLOAD></s:Body></s:Envelope>";
  Result<SoapRequest> r = ParseRequest(envelope);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->method, Method::kDownload);
  EXPECT_EQ(r->isp_id, 12);
}

TEST(Soap, ReportsEveryMissingUnknownAndMalformedParameter) {
  std::string envelope =
      "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
      "<isp_download><ispId>x</ispId><userName>u</userName><userName>v</userName>"
      "<extra>1</extra></isp_download></s:Body></s:Envelope>";
  Result<SoapRequest> r = ParseRequest(envelope);
  ASSERT_FALSE(r.has_value());
  std::vector<std::string> fields;
  for (const FieldViolation& v : r.error().violations) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "s:Envelope/s:Body/isp_download/ispId",
                        "s:Envelope/s:Body/isp_download/userName[2]",
                        "s:Envelope/s:Body/isp_download/extra",
                        "s:Envelope/s:Body/isp_download/randVal",
                        "s:Envelope/s:Body/isp_download/pwdHash",
                        "s:Envelope/s:Body/isp_download/hashAlgorithm",
                    }));
  EXPECT_EQ(r.error().rule(), "miit.soap");
}

TEST(Soap, RefusesWhatIsNotASoap11Call) {
  EXPECT_EQ(ParseRequest("not xml").error().rule(), "miit.xml");
  EXPECT_EQ(ParseRequest("<Envelope/>").error().rule(), "miit.soap");
  Result<SoapRequest> soap12 = ParseRequest(
      "<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'>"
      "<e:Body><isp_download/></e:Body></e:Envelope>");
  ASSERT_FALSE(soap12.has_value());
  EXPECT_NE(soap12.error().message.find("not SOAP 1.1"), std::string::npos)
      << soap12.error().message;
  EXPECT_EQ(ParseRequest("<e:Envelope xmlns:e='http://schemas.xmlsoap.org/soap/envelope/'>"
                         "<e:Body><isp_delete/></e:Body></e:Envelope>")
                .error()
                .rule(),
            "miit.soap");
  EXPECT_EQ(ParseRequest("<e:Envelope xmlns:e='http://schemas.xmlsoap.org/soap/envelope/'>"
                         "<e:Body/></e:Envelope>")
                .error()
                .rule(),
            "miit.soap");
}

TEST(Soap, RefusesADoctype) {
  std::string bomb =
      "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>]>"
      "<e:Envelope xmlns:e='http://schemas.xmlsoap.org/soap/envelope/'><e:Body>&lol;</e:Body>"
      "</e:Envelope>";
  Result<SoapRequest> r = ParseRequest(bomb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.xml");
  EXPECT_EQ(r.error().message, "a DOCTYPE is not allowed");
}

TEST(Soap, RoundTripsEveryKindOfReturn) {
  MethodReturn gap = MethodReturn::Of(MsgCode::kSequenceGap);
  gap.data_sequences = {"6", "7"};
  MethodReturn download = MethodReturn::Of(MsgCode::kCallAgain);
  download.file_info = FileInfo{"BAJG0001", {"UEsDBA==", "RB8cMvOySRLqm7n5sJLCeA==", 1, 0, 0}};
  MethodReturn previous = MethodReturn::Of(MsgCode::kSuccess);
  previous.data_sequence = 41;
  previous.file_info = download.file_info;
  MethodReturn status = MethodReturn::Of(MsgCode::kSuccess);
  status.status_info =
      StatusInfo{0, "example.cn", 0, "粤ICP备20000001号", "示例", "粤ICP备20000001号-1"};
  MethodReturn verify = MethodReturn::Of(MsgCode::kSuccess);
  verify.verify_result = 1;
  const std::pair<Method, MethodReturn> cases[] = {{Method::kUpload, gap},
                                                   {Method::kDownload, download},
                                                   {Method::kQueryPreviousUpload, previous},
                                                   {Method::kQueryBeianStatus, status},
                                                   {Method::kVerifyBamm, verify}};
  for (const auto& [method, value] : cases) {
    Result<MethodReturn> back = ParseResponse(method, BuildResponse(method, value));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, value);
  }
}

TEST(Soap, ReturnCarriesTheVersionAndTheChineseText) {
  std::string doc = BuildReturnDocument(MethodReturn::Of(MsgCode::kHashMismatch));
  EXPECT_EQ(doc,
            "<return version=\"V.3.0\"><msg_code>7</msg_code><msg>哈希值验证未通过</msg></return>");
}

TEST(Soap, ReadsAReturnWithoutVersionAndWithADeclaration) {
  Result<MethodReturn> r = ParseReturnDocument(
      "<?xml version=\"1.0\" encoding=\"GBK\"?><return><msg_code>2</msg_code><msg>没有</msg>"
      "</return>");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(MsgCodeFromNumber(r->msg_code), MsgCode::kNothingToDownload);
}

TEST(Soap, RefusesAReturnWithoutCodeOrWithABadNumber) {
  Result<MethodReturn> r = ParseReturnDocument("<return><msg_code>x</msg_code></return>");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().violations.size(), 2u);  // msg_code malformed, msg missing
}

TEST(Soap, ReadsAFaultAsUnavailable) {
  Result<MethodReturn> r = ParseResponse(Method::kDownload, BuildFault("服务器忙"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("服务器忙"), std::string::npos);
}

TEST(Soap, RefusesTheResponseOfAnotherMethod) {
  EXPECT_EQ(ParseResponse(Method::kUpload,
                          BuildResponse(Method::kDownload, MethodReturn::Of(MsgCode::kSuccess)))
                .error()
                .rule(),
            "miit.soap");
}

TEST(Soap, EveryParameterHasAWsdlType) {
  for (Method m : kMethods.All()) {
    for (const Parameter& p : ParametersOf(m)) {
      EXPECT_TRUE(p.xsd_type == "xs:long" || p.xsd_type == "xs:int" || p.xsd_type == "xs:string")
          << p.name;
    }
  }
}

TEST(Wsdl, IsWellFormedAndNamesEveryOperationOfItsEndpoint) {
  int operations = 0;
  for (Endpoint e : kEndpoints.All()) {
    std::string wsdl = ServiceWsdl(e, "http://127.0.0.1:1/x?a=1&b=2");
    Result<XmlDocument> doc = XmlDocument::Parse(wsdl, "wsdl");
    ASSERT_TRUE(doc.has_value()) << doc.error().message;
    std::optional<XmlElement> port_type = doc->root().child("portType");
    ASSERT_TRUE(port_type.has_value());
    std::vector<std::string> names;
    for (const XmlElement& op : port_type->children("operation"))
      names.push_back(*op.attribute("name"));
    std::vector<std::string> expected;
    for (Method m : MethodsOf(e)) expected.emplace_back(kMethods.Name(m));
    EXPECT_EQ(names, expected);
    operations += static_cast<int>(names.size());
  }
  EXPECT_EQ(operations, 6);
}

TEST(Wsdl, DeclaresEveryParameterOfEachOperation) {
  std::string wsdl = ServiceWsdl(Endpoint::kUpDownLoad, "http://h/ISPWebService/upDownLoad");
  Result<XmlDocument> doc = XmlDocument::Parse(wsdl, "wsdl");
  ASSERT_TRUE(doc.has_value());
  XmlElement schema = *doc->root().child("types")->child("schema");
  for (const XmlElement& element : schema.children("element")) {
    std::string name = *element.attribute("name");
    if (name.ends_with("Response")) continue;
    std::vector<std::string> params;
    for (const XmlElement& p :
         element.child("complexType")->child("sequence")->children("element")) {
      params.push_back(*p.attribute("name"));
    }
    std::vector<std::string> expected;
    for (const Parameter& p : ParametersOf(*kMethods.FromName(name))) expected.emplace_back(p.name);
    EXPECT_EQ(params, expected) << name;
  }
}

TEST(Endpoint, FindsEachPathAndItsMethods) {
  EXPECT_EQ(EndpointFromPath("/ISPWebService/upDownLoad"), Endpoint::kUpDownLoad);
  EXPECT_EQ(EndpointFromPath("/nope"), std::nullopt);
  EXPECT_EQ(MethodsOf(Endpoint::kUpDownLoad).size(), 4u);
  EXPECT_EQ(EndpointOf(Method::kVerifyBamm), Endpoint::kVerifyBamm);
}

}  // namespace
}  // namespace icp::miit
