// Vendor diagnostics: fixed phrases that large mail systems, MTAs and blocklists put in their
// replies, and what they mean. Needles are lower-case and matched on the lower-cased reply text
// (no regex: replies are untrusted and can be huge). Each needle comes from a real reply; the
// comment above a pattern quotes one, with the corpus file (../shared/corpus/sisimai/maildir/bsd/)
// or public bounce it came from.

#include <array>

#include "core/smtp_knowledge.hpp"

namespace hopscope::detail {
namespace {

constexpr std::string_view k_gmail_auth = "https://support.google.com/mail/answer/81126";
constexpr std::string_view k_ms_ndr =
    "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-"
    "exchange-online/non-delivery-reports-in-exchange-online";
constexpr std::string_view k_yahoo = "https://senders.yahooinc.com/smtp-error-codes/";
constexpr std::string_view k_postfix = "https://www.postfix.org/postconf.5.html";
constexpr std::string_view k_exim = "https://www.exim.org/exim-html-current/doc/html/spec_html/";

// clang-format off
constexpr std::array k_vendor = std::to_array<vendor_pattern>({
    // --- Gmail / Google Workspace
    // lhost-postfix-70: "550-5.7.26 Unauthenticated email from libsisimai.org is not accepted due
    // to domain's DMARC policy." (older replies said 5.7.1: lhost-sendmail-58)
    {"gmail_dmarc_reject", "Gmail", "gmail_auth", {"due to domain's dmarc policy", "due to domain’s dmarc policy"}, {}, {}, 1,
     "Gmail: rejected by the sender domain's DMARC policy",
     "The From: domain publishes a DMARC policy of reject (or quarantine), and this message passed neither SPF nor DKIM in a way aligned with that domain.",
     "sender_admin", "Sign mail with DKIM using the From: domain and/or send from servers in its SPF record with an aligned envelope sender; then check the domain's DMARC record.",
     "https://support.google.com/mail/answer/2451690"},
    // rhost-google-03 / lhost-sendmail-60: "550-5.7.26 The MAIL FROM domain [email.example.jp] has
    // an SPF record with a hard fail policy (-all) but it fails to pass SPF checks"
    {"gmail_spf_hard_fail", "Gmail", "gmail_auth", {"has an spf record with a hard fail"}, {}, {}, 1,
     "Gmail: SPF hard fail on the envelope sender",
     "The envelope sender's domain says (-all) that only listed servers may send for it, and the sending IP is not listed.",
     "sender_admin", "Add the sending server to the domain's SPF record, or send through a server the record allows.", k_gmail_auth},
    // rhost-google-04: "This mail has been blocked because the sender is unauthenticated. Gmail
    // requires all senders to authenticate with either SPF or DKIM."
    // lhost-sendmail-59: "550-5.7.1 This message does not have authentication information or fails
    // to pass authentication checks."
    {"gmail_unauthenticated", "Gmail", "gmail_auth", {"sender is unauthenticated", "does not have authentication information", "requires all senders to authenticate"}, {}, {}, 1,
     "Gmail: sender not authenticated",
     "Gmail refuses mail that passes neither SPF nor DKIM. Since 2024 it requires at least one of them from every sender, and both plus DMARC from bulk senders.",
     "sender_admin", "Publish an SPF record covering the sending servers and sign with DKIM; check the Authentication-Results Gmail reports.", k_gmail_auth},
    // rhost-google-06: "The IP address sending this message does not have a PTR record setup, or
    // the corresponding forward DNS entry does not point to the sending IP." (5.7.25)
    {"gmail_no_ptr", "Gmail", "gmail_auth", {"does not have a ptr record"}, {}, {}, 1,
     "Gmail: sending IP has no valid reverse DNS",
     "The sending IP address lacks a PTR record, or the PTR name does not resolve back to the same address.",
     "sender_admin", "Have the IP's owner (hosting provider or ISP) set a PTR record whose name resolves back to the IP.", k_gmail_auth},
    // lhost-postfix-59: "550-5.2.1 The user you are trying to contact is receiving mail at a rate
    // that prevents additional messages from being delivered." (also sent as 4.2.1)
    {"gmail_recipient_rate_limited", "Gmail", "gmail_rate", {"receiving mail at a rate"}, {}, {}, -1,
     "Gmail: the recipient is receiving too much mail",
     "The recipient's mailbox is getting mail faster than Gmail allows, so it defers (4.2.1) or refuses (5.2.1) more for now. The problem is on the recipient's side, not the sender's reputation.",
     "nobody", "Wait and resend later; if it persists, contact the recipient another way.", "https://support.google.com/mail/?p=ReceivingRate"},
    // Gmail 4.7.28 / 5.7.28: "Our system has detected an unusual rate of unsolicited mail
    // originating from your IP address." (public bounces; not in the corpus)
    {"gmail_unusual_rate", "Gmail", "gmail_rate", {"unusual rate of unsolicited mail", "unusual amount of unsolicited mail", "has been temporarily rate limited"}, {}, {"ip reputation"}, -1,
     "Gmail: unusual rate of unsolicited mail from this sender",
     "Gmail saw a spike of mail that looks unwanted from this IP address or domain and is rate limiting or refusing it.",
     "sender_admin", "Slow down, stop sending to unengaged or purchased lists, check for a compromised account or form, then ramp up gradually.", "https://support.google.com/mail/answer/188131"},
    // rhost-google-02 / flanker zed.eml: "The email account that you tried to reach does not exist."
    {"gmail_no_such_user", "Gmail", "user_unknown", {"the email account that you tried to reach does not exist"}, {}, {}, 1,
     "Gmail: no such account",
     "There is no Gmail or Google Workspace account with this address.",
     "sender", "Check the spelling of the address; remove it from lists.", "https://support.google.com/mail/?p=NoSuchUser"},
    // lhost-amazonses-20 / rhost-google-07: "The email account that you tried to reach is disabled."
    // / "... is inactive."
    {"gmail_account_disabled", "Gmail", "mailbox_disabled", {"the email account that you tried to reach is disabled", "the email account that you tried to reach is inactive"}, {}, {}, 1,
     "Gmail: the account is disabled or inactive",
     "The Google account exists but is suspended or has been unused for so long that Gmail stopped accepting mail for it.",
     "recipient", "Contact the recipient another way; remove the address from lists.", "https://support.google.com/mail/?p=DisabledUser"},
    // rhost-google-05: "552-5.2.2 The recipient's inbox is out of storage space and inactive."
    {"gmail_over_quota", "Gmail", "mailbox_full", {"inbox is out of storage space", "mailbox is out of storage", "account that you tried to reach is over quota"}, {}, {}, -1,
     "Gmail: the recipient's storage is full",
     "The recipient's Google storage quota is used up. When Gmail adds \"and inactive\" the account is also unused and will probably never be cleaned up.",
     "recipient", "Tell the recipient another way; retry after they free space.", "https://support.google.com/mail/?p=OverQuotaPerm"},
    // rhost-google-08: "This message is not RFC 5322 compliant. There are multiple Subject headers."
    {"gmail_not_rfc5322", "Gmail", "gmail_content", {"is not rfc 5322 compliant"}, {}, {}, 1,
     "Gmail: message header is malformed",
     "The message breaks RFC 5322 (duplicate Subject/From/Date fields, missing Date or From, bad Message-ID) and Gmail refuses such mail.",
     "sender_admin", "Fix the software that builds the message so the header has exactly one of each required field.", "https://support.google.com/mail/?p=RfcMessageNonCompliant"},
    // Gmail 5.7.1 "Our system has detected that this message is likely unsolicited mail."
    {"gmail_likely_spam", "Gmail", "gmail_content", {"likely unsolicited mail", "likely suspicious due to the very low reputation"}, {}, {}, 1,
     "Gmail: refused as likely spam",
     "Gmail's filters scored the message or the sender's reputation as spam.",
     "sender_admin", "Check sending IP and domain reputation (Postmaster Tools), authentication, and the content and links.", "https://support.google.com/mail/answer/188131"},
    // mbox-0: "552-5.7.0 Our system detected an illegal attachment on your message."
    {"gmail_blocked_attachment", "Gmail", "gmail_content", {"detected an illegal attachment", "content presents a potential security issue"}, {}, {}, 1,
     "Gmail: attachment type not allowed",
     "The message carries an attachment type Gmail blocks (executables, some archives or scripts).",
     "sender", "Share the file by link instead of attaching it.", "https://support.google.com/mail/answer/6590"},
    // Google Workspace SMTP relay: "550 5.7.1 Invalid credentials for relay [IP]."
    {"gworkspace_relay_denied", "Google Workspace", "relay", {"invalid credentials for relay"}, {}, {}, 1,
     "Google Workspace relay: this server is not allowed to relay",
     "The IP address or sending domain is not registered in the Workspace SMTP relay settings.",
     "sender_admin", "Add the IP to the relay service settings, or authenticate with SMTP AUTH.", "https://support.google.com/a/answer/2956491"},
    // --- Microsoft 365 / Exchange Online / Outlook.com
    // rhost-microsoft-01: "550 5.7.606 Access denied, banned sending IP [198.51.100.222]. To
    // request removal from this list please visit https://sender.office.com/"
    {"microsoft_banned_ip", "Microsoft 365", "microsoft_ip", {"banned sending ip"}, {}, {}, 1,
     "Microsoft 365: sending IP is on Microsoft's block list (5.7.606-5.7.649)",
     "Exchange Online refuses all mail from this IP address because of its reputation. Codes 5.7.606 to 5.7.649 all mean this.",
     "sender_admin", "Request delisting at https://sender.office.com/ and find out why the IP's reputation fell.", "https://sender.office.com/"},
    // Exchange Online 5.7.708: "Access denied, traffic not accepted from this IP."
    {"microsoft_708_ip_reputation", "Microsoft 365", "microsoft_ip", {"traffic not accepted from this ip"}, {}, {}, 1,
     "Microsoft 365: outbound traffic from a low-reputation IP (5.7.708)",
     "Microsoft refused to relay mail from this tenant through a high-risk IP pool; new or trial tenants hit this most.",
     "sender_admin", "Build tenant reputation slowly, add a verified custom domain with SPF/DKIM/DMARC, and contact Microsoft support if it persists.", k_ms_ndr},
    // Exchange Online 5.7.750: "Service unavailable. Client blocked from sending from unregistered
    // domains."
    {"microsoft_750_unregistered_domain", "Microsoft 365", "microsoft_tenant", {"sending from unregistered domain", "5.7.750"}, {}, {}, 1,
     "Microsoft 365: sending from a domain the tenant has not registered (5.7.750)",
     "The tenant sends mail with sender domains it has not added and verified, and Microsoft blocked it for that.",
     "sender_admin", "Add and verify every sending domain in the tenant (Accepted domains), then ask Microsoft support to lift the block.", k_ms_ndr},
    // rhost-microsoft-02: "550 5.4.1 [kijitora@example.org]: Recipient address rejected: Access
    // denied [...prod.protection.outlook.com]"
    {"microsoft_dbeb_recipient", "Microsoft 365", "recipient_access", {"recipient address rejected: access denied"}, {"5.4.1"}, {}, 1,
     "Microsoft 365: recipient not in the tenant's directory (5.4.1)",
     "Directory-Based Edge Blocking: the recipient domain is hosted on Exchange Online and has no mailbox, group or contact with this address.",
     "sender", "Check the address; if it is right, the recipient's admin must create it or fix the domain's accepted-domain type.", k_ms_ndr},
    // rhost-microsoft-03 / flanker office365.eml: "550 5.1.10 RESOLVER.ADR.RecipientNotFound;
    // Recipient not found by SMTP address lookup"
    {"microsoft_recipient_not_found", "Microsoft 365", "user_unknown", {"resolver.adr.recipientnotfound", "resolver.adr.recipnotfound"}, {}, {}, 1,
     "Microsoft 365: recipient not found",
     "Exchange found no mailbox with this address in the recipient's organisation.",
     "sender", "Check the spelling; ask the recipient for their current address.", k_ms_ndr},
    // lhost-exchange2007-03: "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this
    // recipient"
    {"microsoft_recipient_size_limit", "Microsoft Exchange", "microsoft_resolver", {"resolver.rst.recipsizelimit", "resolver.rst.sendsizelimit"}, {}, {}, 1,
     "Exchange: message larger than the size limit",
     "The message exceeds the size limit set for the recipient (RecipSizeLimit) or the sender (SendSizeLimit).",
     "sender", "Send a smaller message; share large files by link.", k_ms_ndr},
    // Exchange "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required" (group restricted
    // to internal senders) and RESOLVER.RST.NotAuthorized.
    {"microsoft_restricted_recipient", "Microsoft Exchange", "microsoft_resolver", {"resolver.rst.authrequired", "resolver.rst.notauthorized", "resolver.rst.restrictedto"}, {}, {}, 1,
     "Exchange: sender not allowed to write to this recipient",
     "The recipient (often a group or distribution list) accepts mail only from internal or listed senders.",
     "recipient_admin", "Ask the group owner to allow external senders or to add you.", k_ms_ndr},
    {"microsoft_resolver_other", "Microsoft Exchange", "microsoft_resolver", {"resolver.rst.", "resolver.adr."}, {}, {}, -1,
     "Exchange: address resolution failure",
     "Exchange's resolver could not turn the recipient into a deliverable mailbox; the name after RESOLVER. tells which check failed.",
     "recipient_admin", "Read the name after RESOLVER.; the recipient's admin can look it up in Exchange's NDR documentation.", k_ms_ndr},
    // rhost-microsoft-04: "550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass
    // DMARC verification and has a DMARC policy of reject."
    {"microsoft_dmarc_reject", "Microsoft 365", "microsoft_auth", {"does not pass dmarc verification"}, {}, {}, 1,
     "Microsoft 365: rejected by the sender domain's DMARC policy (5.7.509)",
     "The From: domain has a DMARC reject policy and the message was not aligned-authenticated by SPF or DKIM.",
     "sender_admin", "Align SPF or DKIM with the From: domain.", k_ms_ndr},
    // rhost-microsoft-06: "550 5.7.515 Access denied, sending domain NYAAAAN.EXAMPLE.JP doesn't
    // meet the required authentication level."
    {"microsoft_auth_level", "Microsoft 365", "microsoft_auth", {"doesn't meet the required authentication level", "does not meet the required authentication level"}, {}, {}, 1,
     "Outlook.com: sender domain not authenticated enough (5.7.515)",
     "Outlook.com requires high-volume senders to pass SPF, DKIM and DMARC; this domain did not.",
     "sender_admin", "Publish SPF, sign with DKIM and publish at least a p=none DMARC record for the From: domain.", "https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730"},
    // rhost-microsoft-05: "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate
    // limited due to IP reputation."
    {"microsoft_rate_limited", "Outlook.com", "microsoft_ip", {"rate limited due to ip reputation"}, {}, {}, 0,
     "Outlook.com: sending IP temporarily rate limited (4.7.650)",
     "Outlook.com throttles this IP because of its reputation; mail is deferred, not lost.",
     "sender_admin", "Let the queue retry; lower the sending rate; enrol the IP in Microsoft SNDS to watch its reputation.", "https://sendersupport.olc.protection.outlook.com/pm/"},
    // Public bounce (pastebin, 2023): "550 5.7.1 Unfortunately, messages from [IP] weren't sent.
    // Please contact your Internet service provider since part of their network is on our block
    // list (S3150)."
    {"outlook_network_blocked", "Outlook.com", "microsoft_ip", {"part of their network is on our block list", "(s3150)", "(as3150)", "(s3140)"}, {}, {}, 1,
     "Outlook.com: the sending network is on Microsoft's block list (S3150)",
     "Outlook.com, Hotmail and Live refuse this IP or its range because of Microsoft's internal reputation data; the S/AS number is an internal reference.",
     "sender_admin", "Submit the sender support form at Microsoft (quote the S or AS number) and enrol the IPs in SNDS.", "https://sendersupport.olc.protection.outlook.com/pm/"},
    // rhost-microsoft-01 style endings: "... LinkID=526655 AS(1430)" or "(AS16012609)".
    {"microsoft_antispam_code", "Microsoft 365", "microsoft_as", {"as(#", "(as#"}, {}, {}, -1,
     "Microsoft anti-spam reference code (AS...)",
     "AS followed by a number is an internal anti-spam reference of Microsoft's filters, not an autonomous system number.",
     "sender_admin", "Quote it when contacting Microsoft sender support.", "https://sendersupport.olc.protection.outlook.com/pm/"},
    // Exchange Online "451 4.7.500 Server busy. Please try again later from [ip]. (AS843)"
    {"microsoft_server_busy", "Microsoft 365", "microsoft_rate", {"server busy. please try again later"}, {}, {}, 0,
     "Microsoft 365: server busy, deferred",
     "Exchange Online is throttling this sender for now; the message stays in the sending queue.",
     "nobody", "Wait: the sending server retries. If it lasts, lower the sending rate.", k_ms_ndr},
    // --- Yahoo / AOL
    // rhost-yahooinc-02: "421 4.7.0 [TSS04] Messages from 192.0.2.192 temporarily deferred due to
    // unexpected volume or user complaints"
    {"yahoo_tss04", "Yahoo", "yahoo", {"[tss04]"}, {}, {}, 0,
     "Yahoo: temporarily deferred for volume or complaints (TSS04)",
     "Yahoo is deferring mail from this IP because of an unusual volume or user spam complaints.",
     "sender_admin", "Let the queue retry and slow down; reduce complaints (clean lists, easy unsubscribe); register for Yahoo's complaint feedback loop.", k_yahoo},
    {"yahoo_ts01", "Yahoo", "yahoo", {"[ts01]"}, {}, {}, 0,
     "Yahoo: temporarily deferred (TS01)",
     "Yahoo is deferring mail from this IP, typically because it has little sending history or unusual traffic.",
     "sender_admin", "Let the queue retry; ramp up volume gradually from a new IP.", k_yahoo},
    {"yahoo_ts02", "Yahoo", "yahoo", {"[ts02]", "[tss02]"}, {}, {}, 0,
     "Yahoo: temporarily deferred for user complaints (TS02)",
     "Yahoo users marked mail from this IP as spam often enough that Yahoo defers it.",
     "sender_admin", "Reduce complaints: send only to people who asked, honour unsubscribes, join the feedback loop.", k_yahoo},
    {"yahoo_ts03", "Yahoo", "yahoo", {"[ts03]", "[tss09]", "will be permanently deferred"}, {}, {}, 1,
     "Yahoo: all mail from this IP permanently deferred (TS03)",
     "Yahoo has stopped taking mail from this IP because of sustained complaints or abuse; although the reply is often a 421, retrying will not help.",
     "sender_admin", "Stop sending from this IP, fix the cause, then contact Yahoo sender support.", k_yahoo},
    {"yahoo_deferred", "Yahoo", "yahoo", {"[ts0#", "[tss#"}, {}, {}, 0,
     "Yahoo: deferral code",
     "A Yahoo deferral reason code; Yahoo documents each on its sender site.",
     "sender_admin", "Look the code up on Yahoo's sender site; let the queue retry.", k_yahoo},
    // mbox-0: "554 delivery error: dd This user doesn't have a yahoo.com account"
    {"yahoo_no_such_user", "Yahoo", "user_unknown", {"user doesn't have a yahoo.com account", "user doesn't have a ymail.com account"}, {}, {}, 1,
     "Yahoo: no such account",
     "There is no Yahoo mailbox with this address.",
     "sender", "Check the address; remove it from lists.", k_yahoo},
    // --- Postfix standard rejections
    // lhost-amazonses-21: "554 5.7.1 <kijitora@example.com>: Relay access denied"
    {"postfix_relay_denied", "Postfix", "relay", {"relay access denied", "relaying denied", "relay not permitted"}, {}, {}, 1,
     "Relay access denied",
     "The server is not a destination for the recipient's domain and will not pass mail on for this client. Either the client should have logged in (SMTP AUTH), or the mail went to the wrong server (stale MX, wrong smarthost).",
     "sender_admin", "Authenticate to the submission server, or check that the recipient domain's MX points at this server.", "https://www.postfix.org/SMTPD_ACCESS_README.html"},
    // lhost-amavis-01: "550 5.1.1 <neko@example.co.jp>: Recipient address rejected: User unknown in
    // virtual mailbox table"; lhost-activehunter-02: "... in local recipient table"
    {"postfix_user_unknown", "Postfix", "user_unknown", {"user unknown in virtual mailbox table", "user unknown in local recipient table", "user unknown in virtual alias table", "user unknown in relay recipient table"}, {}, {}, 1,
     "Postfix: no such user at the destination",
     "The receiving Postfix looked the address up in its recipient table (named in the text) and did not find it.",
     "sender", "Check the address; if it should exist, the recipient's admin must add it to that table.", k_postfix},
    {"postfix_helo_rejected", "Postfix", "helo", {"helo command rejected"}, {}, {}, 1,
     "HELO/EHLO name rejected",
     "The receiving server disliked the name the sending server introduced itself with: not a fully-qualified domain name, not resolvable in DNS, or invalid.",
     "sender_admin", "Configure the sending server to send its real fully-qualified hostname (one that resolves) in EHLO.", "https://www.postfix.org/postconf.5.html#smtpd_helo_restrictions"},
    {"postfix_no_reverse_dns", "Postfix", "rdns", {"client host rejected: cannot find your hostname", "client host rejected: cannot find your reverse hostname"}, {}, {}, -1,
     "Client IP has no (matching) reverse DNS",
     "The sending IP address has no PTR record, or its PTR name does not resolve back to the address. Postfix sends 450 when the DNS lookup itself failed, 550 when the answer was definitive.",
     "sender_admin", "Have the IP owner set a PTR record whose name resolves back to the IP.", "https://www.postfix.org/postconf.5.html#reject_unknown_client_hostname"},
    {"postfix_sender_domain_not_found", "Postfix", "sender_domain", {"sender address rejected: domain not found"}, {}, {}, -1,
     "Sender's domain does not exist in DNS",
     "The domain of the envelope sender has no A, AAAA or MX record, so bounces could not be returned to it.",
     "sender_admin", "Use a sender address whose domain exists in DNS; check for typos in the configured sender.", "https://www.postfix.org/postconf.5.html#reject_unknown_sender_domain"},
    {"postfix_recipient_domain_not_found", "Postfix", "recipient_domain", {"recipient address rejected: domain not found"}, {}, {}, -1,
     "Recipient's domain does not exist in DNS",
     "The recipient domain has no A, AAAA or MX record.",
     "sender", "Check the recipient's domain for typos.", "https://www.postfix.org/postconf.5.html#reject_unknown_recipient_domain"},
    {"postfix_sender_not_owned", "Postfix", "sender_login", {"sender address rejected: not owned by user"}, {}, {}, 1,
     "Sender address not owned by the logged-in user",
     "The client logged in as one user but used another user's address as sender; the server forbids that.",
     "client_software", "Send with the address that belongs to the account you log in with.", "https://www.postfix.org/postconf.5.html#reject_sender_login_mismatch"},
    {"postfix_recipient_access_denied", "Postfix", "recipient_access", {"recipient address rejected: access denied"}, {}, {"5.4.1"}, 1,
     "Recipient refused by an access rule",
     "A local access table on the receiving server refuses this recipient (or this sender for it).",
     "recipient_admin", "Ask the recipient's admin why the address is blocked.", "https://www.postfix.org/access.5.html"},
    {"postfix_client_access_denied", "Postfix", "client_access", {"client host rejected: access denied"}, {}, {}, 1,
     "Client refused by an access rule",
     "The receiving server's access table refuses connections from this IP address or hostname.",
     "sender_admin", "Ask the receiving admin to allow the IP, or send through another server.", "https://www.postfix.org/access.5.html"},
    // mbox-0: "552 Message size exceeds fixed maximum message size: 20971520 bytes"
    {"message_size_limit", "Postfix/Sendmail", "size", {"message size exceeds fixed limit", "message size exceeds fixed maximum message size", "message size exceeds maximum"}, {}, {}, 1,
     "Message larger than the server's size limit",
     "The message (with attachments, which grow by a third when encoded) exceeds the receiving server's size limit.",
     "sender", "Send a smaller message; share large files by link.", "https://www.postfix.org/postconf.5.html#message_size_limit"},
    {"postfix_pipelining", "Postfix", "protocol", {"improper use of smtp command pipelining"}, {}, {}, 1,
     "Client sent commands before the server answered",
     "The client pipelined commands the server had not offered, which spam software does; the server dropped it.",
     "client_software", "Fix or replace the client; it must wait for replies unless PIPELINING was announced.", "https://www.postfix.org/postconf.5.html#reject_unauth_pipelining"},
    // lhost-postfix-65: "550 Unauthenticated senders not allowed"
    {"unauthenticated_senders", "Generic", "auth_required", {"unauthenticated senders not allowed", "authentication required", "please turn on smtp authentication"}, {}, {}, 1,
     "The server requires SMTP authentication",
     "The server accepts mail for this route only from logged-in users; the client sent without logging in.",
     "client_software", "Turn on SMTP authentication in the mail program (user name and password, over TLS).", "RFC 4954"},
    // Greylisting (postgrey: "450 4.2.0 <x>: Recipient address rejected: Greylisted, see
    // http://postgrey.schweikert.ch/help/example.com.html")
    {"greylisted", "Greylisting", "greylist", {"greylisted", "greylisting", "graylisted", "graylisting", "grey-listed"}, {}, {}, 0,
     "Greylisted: try again later",
     "The receiver refuses unknown sender/IP/recipient combinations once, expecting a real mail server to retry after a few minutes. It is not an error.",
     "nobody", "Wait: the sending server retries and the next attempt normally succeeds. It only fails if the sender never retries or retries from a different IP.", "https://www.postfix.org/postconf.5.html"},
    // --- Exim
    // lhost-mailru-06: "Unrouteable address"
    {"exim_unrouteable", "Exim", "routing", {"unrouteable address"}, {}, {}, 1,
     "Exim: unrouteable address",
     "No router could deliver to this address: the domain has no usable MX/A records, or the local part is unknown on a system that checks it at routing.",
     "sender", "Check the recipient domain and address; if correct, the recipient's DNS is broken.", k_exim},
    // lhost-exim-06: "retry timeout exceeded"
    {"exim_retry_timeout", "Exim", "expired", {"retry timeout exceeded"}, {}, {}, 1,
     "Exim: gave up after retrying for too long",
     "The sending Exim kept getting temporary failures until its retry time limit ran out. The earlier temporary error is the real cause.",
     "sender_admin", "Find the last temporary error in the bounce or logs and fix that; then resend.", k_exim},
    {"exim_rejected_rcpt", "Exim", "exim_acl", {"rejected rcpt", "rejected after data"}, {}, {}, -1,
     "Exim: refused by an ACL",
     "An Exim access control list at the receiver refused the recipient or the message; the text after the colon gives its reason.",
     "recipient_admin", "Read the reason text; the receiving admin can say which ACL applied.", k_exim},
    {"exim_mx_nonexistent", "Exim", "routing", {"all relevant mx records point to non-existent hosts"}, {}, {}, 1,
     "Recipient domain's MX records point nowhere",
     "Every MX host of the recipient domain has a name that does not resolve.",
     "recipient_admin", "The recipient's domain owner must fix the MX records.", k_exim},
    {"sender_verify_failed", "Exim", "sender_verify", {"sender verify failed", "sender verification failed"}, {}, {}, -1,
     "Sender address could not be verified",
     "The receiver called back to check that the envelope sender can receive mail, and it could not.",
     "sender_admin", "Make sure the envelope sender address exists and accepts mail (including bounces).", k_exim},
    // --- qmail
    // lhost-activehunter-01: "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)"
    {"qmail_no_mailbox", "qmail", "user_unknown", {"sorry, no mailbox here by that name"}, {}, {}, 1,
     "qmail: no such mailbox",
     "The receiving qmail has no mailbox with this local part.",
     "sender", "Check the address.", "https://cr.yp.to/qmail.html"},
    {"qmail_not_rcpthost", "qmail", "relay", {"isn't in my list of allowed rcpthosts"}, {}, {}, 1,
     "qmail: relaying refused",
     "The server does not receive mail for this domain and will not relay for this client.",
     "sender_admin", "Authenticate, or check the recipient domain's MX records.", "https://cr.yp.to/qmail.html"},
    {"qmail_badrcptto", "qmail", "recipient_access", {"badrcptto list"}, {}, {}, 1,
     "qmail: recipient refused by a block list",
     "The recipient address is listed in the server's badrcptto file of refused recipients.",
     "recipient_admin", "Ask the recipient's admin.", "https://cr.yp.to/qmail.html"},
    // --- blocklists
    // lhost-postfix-80: "550-5.1.0 MXIN506 MailFrom domain is listed in Spamhaus. To request removal
    // from this list see https://www.spamhaus.org/query/lookup/"; rhost-godaddy-02: "553
    // http://www.spamhaus.org/query/bl?ip=192.0.2.222"
    {"spamhaus_pbl", "Spamhaus", "spamhaus", {"pbl.spamhaus.org", "spamhaus.org/pbl"}, {}, {}, 1,
     "Listed on the Spamhaus PBL",
     "The PBL lists IP ranges that should not send mail directly (home and dynamic addresses). It is a policy list, not an accusation of spam.",
     "sender_admin", "Send through your provider's or mail host's authenticated server instead of directly; if the IP is a real server, its owner can remove it at Spamhaus.", "https://www.spamhaus.org/pbl/"},
    {"spamhaus_listed", "Spamhaus", "spamhaus", {"spamhaus"}, {}, {}, 1,
     "Listed on a Spamhaus blocklist",
     "The sending IP (ZEN: SBL/XBL/CSS) or a domain in the message (DBL) is on a Spamhaus list the receiver uses.",
     "sender_admin", "Look the IP or domain up at https://check.spamhaus.org/, fix the cause it names (compromised host, spam), then request removal.", "https://check.spamhaus.org/"},
    {"spamcop_listed", "SpamCop", "spamcop", {"bl.spamcop.net", "spamcop.net/bl", "spamcop"}, {}, {}, 1,
     "Listed on the SpamCop blocklist",
     "Spam reports from SpamCop users put the sending IP on its list; entries expire by themselves about a day after reports stop.",
     "sender_admin", "Look the IP up at https://www.spamcop.net/bl.shtml, stop whatever sends the reported mail, and wait for expiry.", "https://www.spamcop.net/bl.shtml"},
    {"barracuda_listed", "Barracuda", "barracuda", {"b.barracudacentral.org", "barracudacentral", "barracuda reputation"}, {}, {}, 1,
     "Listed on the Barracuda Reputation Block List",
     "The sending IP has a poor reputation in Barracuda's list, used by Barracuda appliances and others.",
     "sender_admin", "Check and request removal at https://www.barracudacentral.org/lookups.", "https://www.barracudacentral.org/rbl"},
    // lhost-barracuda-01: "550 5.7.1 Message content rejected, UBE, id=00000-22-225"
    {"barracuda_ube", "Barracuda", "barracuda", {"message content rejected, ube"}, {}, {}, 1,
     "Barracuda: content refused as unsolicited bulk mail",
     "A Barracuda filter scored the message as spam (UBE: unsolicited bulk email).",
     "sender_admin", "Review the content, links and sender reputation; ask the recipient to allow-list the sender.", "https://www.barracudacentral.org/"},
    // lhost-amazonses-16: "521-5.7.1 Service unavailable; client [203.0.113.225] blocked using
    // dnsbl.sorbs.net"
    {"sorbs_listed", "SORBS", "sorbs", {"sorbs"}, {}, {}, 1,
     "Listed on a SORBS blocklist",
     "The sending IP is on a SORBS DNS blocklist used by the receiver (SORBS was shut down in 2024, so a receiver still using it may be misconfigured).",
     "sender_admin", "Ask the receiving admin to stop using SORBS, or send through another IP.", "https://www.sorbs.net/"},
    {"cloudmark_listed", "Cloudmark", "cloudmark", {"csi.cloudmark.com"}, {}, {}, 1,
     "Blocked by Cloudmark sender intelligence",
     "The receiver uses Cloudmark's reputation data and it rates this IP badly.",
     "sender_admin", "Request a reset through the Cloudmark link in the reply.", "https://csi.cloudmark.com/"},
    // lhost-amazonses-14: "554 5.7.1 <...>: Client host rejected: blocked using
    // mail.neko.example.org"
    {"dnsbl_generic", "DNS blocklist", "dnsbl", {"blocked using", "listed at", "dnsbl", "blacklisted", "blocklisted"}, {}, {"spamhaus", "spamcop", "barracuda", "sorbs"}, 1,
     "Sending IP is on a DNS blocklist",
     "The receiving server checked the sending IP against a DNS blocklist (named after \"blocked using\" or \"listed at\") and found it.",
     "sender_admin", "Look the IP up on the named list, fix why it was listed (open relay, compromised account, spam), and request removal.", "RFC 5782"},
    // --- generic phrases common to many MTAs (fallbacks after the vendor-specific ones above)
    {"mailbox_full", "Generic", "mailbox_full", {"mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage"}, {}, {}, -1,
     "Recipient's mailbox is full",
     "The recipient's mailbox reached its quota.",
     "recipient", "Tell the recipient another way; resend after they free space.", "RFC 3463 X.2.2"},
    {"user_unknown", "Generic", "user_unknown", {"user unknown", "unknown user", "no such user", "recipient not found", "invalid recipient"}, {}, {}, 1,
     "No such recipient",
     "The receiving server says the recipient address does not exist.",
     "sender", "Check the spelling; remove the address from lists.", "RFC 3463 X.1.1"},
});
// clang-format on

}  // namespace

std::span<const vendor_pattern> vendor_table() noexcept { return k_vendor; }

}  // namespace hopscope::detail
