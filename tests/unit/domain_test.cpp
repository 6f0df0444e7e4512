// Registrable domains through libpsl, on host names from real Received lines.
#include <catch2/catch.hpp>

#include "hopscope/domain.hpp"

TEST_CASE("registrable domains", "[domain]") {
  // Hosts from phishing_pot-2022-2023/sample-1109.eml and samples/o365-phishing-long-chain.eml.
  CHECK(hopscope::registrable_domain("VI1EUR05FT049.mail.protection.outlook.com") == "outlook.com");
  CHECK(hopscope::registrable_domain("mail.cistsec.com.cn") == "cistsec.com.cn");
  CHECK(hopscope::registrable_domain("mail-sor-f41.google.com.") == "google.com");
  CHECK(hopscope::registrable_domain("r220-1.rz.RWTH-Aachen.DE") == "rwth-aachen.de");
  CHECK(hopscope::registrable_domain("bbc.co.uk") == "bbc.co.uk");
  CHECK(hopscope::registrable_domain("co.uk").empty());  // a public suffix
  CHECK(hopscope::registrable_domain("localhost").empty());
  CHECK(hopscope::registrable_domain("192.0.2.1").empty());
  CHECK(hopscope::registrable_domain("[192.0.2.1]").empty());
  CHECK(hopscope::registrable_domain("2002:a05:7300:538f:b0:7c:ab41:dfcf").empty());
  CHECK(hopscope::same_organisation("BN8NAM04FT050.mail.protection.outlook.com",
                                    "BN7PR02CA0021.outlook.office365.com") == false);
  CHECK(hopscope::same_organisation("mx1.example.co.uk", "smtp.EXAMPLE.co.uk."));
}
