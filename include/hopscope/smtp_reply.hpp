#pragma once
// SMTP reply codes (RFC 5321 4.2) and enhanced status codes (RFC 3463, IANA registry):
// parsing server replies and explaining codes offline. (Being written: see issue 4.)
