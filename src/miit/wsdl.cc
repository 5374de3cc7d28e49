// ServiceWsdl (soap.h): the WSDL 1.1 of one endpoint, generated from the same parameter table
// the envelopes are built and parsed with, so the three cannot disagree.
#include <string>

#include "miit/soap.h"
#include "miit/xml.h"

namespace icp::miit {

std::string ServiceWsdl(Endpoint endpoint, std::string_view address) {
  const std::vector<Method> methods = MethodsOf(endpoint);
  std::string service(kEndpoints.Name(endpoint));
  service = service.substr(service.rfind('/') + 1);  // "upDownLoad"
  const std::string ns(kServiceNamespace);
  XmlWriter w("UTF-8");
  w.Open("wsdl:definitions", {{"xmlns:wsdl", "http://schemas.xmlsoap.org/wsdl/"},
                              {"xmlns:soap", "http://schemas.xmlsoap.org/wsdl/soap/"},
                              {"xmlns:xs", "http://www.w3.org/2001/XMLSchema"},
                              {"xmlns:tns", ns},
                              {"targetNamespace", ns},
                              {"name", service}});
  w.Open("wsdl:types")
      .Open("xs:schema", {{"targetNamespace", ns}, {"elementFormDefault", "unqualified"}});
  for (Method m : methods) {
    std::string name(kMethods.Name(m));
    w.Open("xs:element", {{"name", name}}).Open("xs:complexType").Open("xs:sequence");
    for (const Parameter& p : ParametersOf(m)) {
      w.Raw("<xs:element name=\"" + std::string(p.name) + "\" type=\"" + std::string(p.xsd_type) +
            "\"/>");
    }
    w.Close().Close().Close();
    w.Open("xs:element", {{"name", name + "Response"}}).Open("xs:complexType").Open("xs:sequence");
    w.Raw("<xs:element name=\"return\" type=\"xs:string\"/>");
    w.Close().Close().Close();
  }
  w.Close().Close();
  for (Method m : methods) {
    std::string name(kMethods.Name(m));
    w.Open("wsdl:message", {{"name", name}})
        .Raw("<wsdl:part name=\"parameters\" element=\"tns:" + name + "\"/>")
        .Close();
    w.Open("wsdl:message", {{"name", name + "Response"}})
        .Raw("<wsdl:part name=\"parameters\" element=\"tns:" + name + "Response\"/>")
        .Close();
  }
  w.Open("wsdl:portType", {{"name", service + "PortType"}});
  for (Method m : methods) {
    std::string name(kMethods.Name(m));
    w.Open("wsdl:operation", {{"name", name}})
        .Raw("<wsdl:input message=\"tns:" + name + "\"/><wsdl:output message=\"tns:" + name +
             "Response\"/>")
        .Close();
  }
  w.Close();
  w.Open("wsdl:binding", {{"name", service + "Binding"}, {"type", "tns:" + service + "PortType"}});
  w.Raw("<soap:binding style=\"document\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>");
  for (Method m : methods) {
    w.Open("wsdl:operation", {{"name", std::string(kMethods.Name(m))}})
        .Raw("<soap:operation soapAction=\"\"/>")
        .Raw("<wsdl:input><soap:body use=\"literal\"/></wsdl:input>")
        .Raw("<wsdl:output><soap:body use=\"literal\"/></wsdl:output>")
        .Close();
  }
  w.Close();
  w.Open("wsdl:service", {{"name", service + "Service"}})
      .Open("wsdl:port", {{"name", service + "Port"}, {"binding", "tns:" + service + "Binding"}})
      .Raw("<soap:address location=\"" + XmlEscape(address) + "\"/>")
      .Close()
      .Close();
  w.Close();
  return w.Finish();
}

}  // namespace icp::miit
