// The SMTP knowledge base: every basic reply code of RFC 5321 4.2.3 and later RFCs, and every
// code of the IANA "SMTP Enhanced Status Codes" registry (tests/data/
// iana-enhanced-status-codes.tsv is the list it is checked against). Titles of enhanced codes
// are the registry's sample texts; meanings and advice are our own words, written for someone
// who holds a bounce and wants to know what to do.

#include <array>

#include "core/smtp_knowledge.hpp"

namespace hopscope::detail {
namespace {

// Who-acts strings (see explanation in smtp_reply.hpp).
constexpr std::string_view k_nobody = "nobody";
constexpr std::string_view k_sender = "sender";
constexpr std::string_view k_sender_admin = "sender_admin";
constexpr std::string_view k_recipient = "recipient";
constexpr std::string_view k_recipient_admin = "recipient_admin";
constexpr std::string_view k_client = "client_software";

constexpr std::string_view k_5321 = "RFC 5321 4.2.3";
constexpr std::string_view k_4954 = "RFC 4954 6";
constexpr std::string_view k_3207 = "RFC 3207 4";
constexpr std::string_view k_1985 = "RFC 1985 5";
constexpr std::string_view k_iana = "IANA enhanced status code registry (RFC 5248)";

constexpr std::array k_reply_codes = std::to_array<reply_code_entry>({
    {211, "", "System status", "A reply to a status or HELP request; nothing went wrong.", k_nobody,
     "Nothing.", k_5321},
    {214, "", "Help message",
     "Human-readable help text, usually the answer to a HELP command. Nothing went wrong.",
     k_nobody, "Nothing.", k_5321},
    {220, "", "Service ready",
     "The greeting a server sends when a connection opens: it is ready for the client's EHLO.",
     k_nobody, "Nothing.", k_5321},
    {220, "STARTTLS, RFC 3207", "Ready to start TLS",
     "After STARTTLS: the server is ready to begin the TLS handshake.", k_nobody, "Nothing.",
     k_3207},
    {221, "", "Service closing transmission channel",
     "The server is closing the connection, normally after QUIT. Nothing went wrong.", k_nobody,
     "Nothing.", k_5321},
    {235, "AUTH, RFC 4954", "Authentication succeeded",
     "The client logged in; the server will now accept mail under that identity.", k_nobody,
     "Nothing.", k_4954},
    {250, "", "Requested mail action okay, completed",
     "The command worked. After the end of DATA it means the receiving server took "
     "responsibility for the message; any later problem arrives as a separate bounce.",
     k_nobody, "Nothing. If the recipient never saw it, look in their spam folder or quarantine.",
     k_5321},
    {251, "", "User not local; will forward",
     "The server accepted the recipient although the mailbox is elsewhere; it will pass the "
     "message on.",
     k_nobody, "Nothing; optionally update the address to the one the server names.", k_5321},
    {252, "", "Cannot VRFY user, but will accept message",
     "The server will not confirm whether the address exists (a VRFY answer that protects "
     "address lists) but will take mail for it.",
     k_nobody, "Nothing; send the message and watch for a bounce.", k_5321},
    {253, "ETRN, RFC 1985", "Pending messages started",
     "The server has started delivering the messages it was holding for the named node.", k_nobody,
     "Nothing.", k_1985},
    {334, "AUTH, RFC 4954", "Server challenge",
     "A step of the AUTH exchange: the server sends a base64 challenge and waits for the "
     "client's answer.",
     k_nobody, "Nothing; the client software continues the exchange.", "RFC 4954 4"},
    {354, "", "Start mail input",
     "The server accepted DATA and waits for the message, ended by a line holding only a dot.",
     k_nobody, "Nothing.", k_5321},
    {421, "", "Service not available, closing transmission channel",
     "The server is closing the connection for now: it is shutting down, overloaded, or "
     "deliberately slowing this sender down (rate limits and reputation checks often use 421). "
     "The sending server keeps the message and retries.",
     k_nobody,
     "Wait: the sending server retries by itself. If it lasts for hours, the sending admin should "
     "check the text for a rate-limit or reputation reason and reduce the sending rate.",
     k_5321},
    {422, "", "Password transition needed (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it as a basic code for X.7.12 "
     "(a password transition is needed). It is a temporary authentication problem.",
     k_sender,
     "Log in once with a plain mechanism over TLS so the server can convert the stored "
     "password, or ask the server's admin.",
     k_iana},
    {430, "", "Temporary failure (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it as a basic code that can "
     "come with X.5.1 (invalid command). Treat it as a temporary rejection of a command.",
     k_client, "Retry later; if it persists, compare the command with what the server supports.",
     k_iana},
    {432, "AUTH, RFC 4954", "A password transition is needed",
     "The server needs the user to log in once with a plain-text mechanism (over TLS) so it can "
     "convert the stored password to a new scheme.",
     k_sender, "Log in once with PLAIN or LOGIN over TLS, then retry the usual mechanism.", k_4954},
    {450, "", "Requested mail action not taken: mailbox unavailable",
     "The mailbox cannot take the message right now: it is busy, locked, or temporarily refused "
     "for a policy reason. Greylisting (refusing unknown senders once) usually looks like this.",
     k_nobody,
     "Wait for the sending server's retry. If it never succeeds, the text usually names the "
     "policy; the sending admin should read it.",
     k_5321},
    {451, "", "Requested action aborted: local error in processing",
     "Something failed on the receiving server while handling the command (a lookup, a filter, "
     "storage). Greylisting and temporary DNS failures also use 451.",
     k_nobody,
     "Wait for the retry. If it keeps failing, the receiving server's admin has to look at their "
     "logs.",
     k_5321},
    {452, "", "Requested action not taken: insufficient system storage",
     "The receiving server is short of space, or (RFC 5321 4.5.3.1.10) this transaction has "
     "more recipients than it accepts at once.",
     k_nobody,
     "Wait for the retry; for too many recipients, the sending server should send the rest in a "
     "new transaction (well-behaved servers do).",
     k_5321},
    {453, "ATRN, RFC 2645", "You have no mail",
     "An on-demand relay (ATRN) client asked for its queued mail and there is none.", k_nobody,
     "Nothing.", "RFC 2645"},
    {454, "AUTH, RFC 4954", "Temporary authentication failure",
     "The server could not check the credentials just now (for example its password database "
     "was unreachable).",
     k_nobody,
     "Retry later. If it lasts, the server's admin must check the authentication backend.", k_4954},
    {454, "STARTTLS, RFC 3207", "TLS not available due to temporary reason",
     "The client asked for STARTTLS and the server cannot start TLS right now.", k_recipient_admin,
     "Retry later; the server's admin should check its certificate and TLS configuration.", k_3207},
    {455, "", "Server unable to accommodate parameters",
     "The server understood the MAIL FROM or RCPT TO parameters but cannot honour them at the "
     "moment.",
     k_nobody, "Retry later, or send without the optional parameter.", k_5321},
    {458, "ETRN, RFC 1985", "Unable to queue messages for node",
     "The server could not start delivering the mail it holds for the requested node.", k_nobody,
     "Retry ETRN later.", k_1985},
    {459, "ETRN, RFC 1985", "Node not allowed",
     "The server refuses to run its queue for the requested node, for the reason it gives.",
     k_recipient_admin, "Ask the server's admin to allow ETRN for this node.", k_1985},
    {500, "", "Syntax error, command unrecognized",
     "The server did not understand the command, or the command line was too long. A client "
     "that speaks something other than SMTP (or a firewall that mangles it) causes this.",
     k_client,
     "Check the client software and anything between it and the server (proxies, antivirus "
     "mail scanners, firewalls with SMTP inspection).",
     k_5321},
    {500, "AUTH, RFC 4954", "Authentication exchange line is too long",
     "An AUTH response was longer than the server accepts.", k_client,
     "Use another authentication mechanism or shorter credentials.", k_4954},
    {501, "", "Syntax error in parameters or arguments",
     "The command was understood but its argument was not: a malformed address, a bad HELO "
     "name, or an unknown parameter value.",
     k_client,
     "Check the address or HELO name the client sent; the text usually names the part it "
     "disliked.",
     k_5321},
    {501, "STARTTLS, RFC 3207", "Syntax error (no parameters allowed)",
     "STARTTLS was sent with an argument; it takes none.", k_client, "Fix the client software.",
     k_3207},
    {502, "", "Command not implemented",
     "The server does not support this command (for example VRFY, EXPN, TURN, or an extension it "
     "did not announce).",
     k_client, "Use only the commands the server announced in its EHLO reply.", k_5321},
    {503, "", "Bad sequence of commands",
     "A command came out of order, such as DATA before any accepted RCPT TO. Often it is an echo "
     "of an earlier rejection: every recipient was refused, so DATA fails too.",
     k_client,
     "Look at the reply to the earlier command (usually RCPT TO): that is the real reason. If "
     "AUTH is required, the client must log in first.",
     k_5321},
    {504, "", "Command parameter not implemented",
     "The server knows the command but not the parameter or mechanism used (for example an AUTH "
     "mechanism it does not offer).",
     k_client, "Use a parameter or mechanism the server announced.", k_5321},
    {521, "", "Host does not accept mail",
     "This host never accepts mail (RFC 7504): it answers port 25 only to say no. It is final.",
     k_sender_admin,
     "Do not retry. Check that the recipient domain's MX records point at the right host; the "
     "recipient may need to give another address.",
     "RFC 7504"},
    {523, "", "Encryption needed (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it with X.7.10: the server "
     "requires TLS for this mail.",
     k_sender_admin, "Enable TLS (STARTTLS) on the sending server for this destination.", k_iana},
    {524, "", "Encryption required for authentication (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it with X.7.11: the chosen "
     "authentication mechanism may only be used over an encrypted connection.",
     k_client, "Issue STARTTLS before AUTH.", k_iana},
    {525, "", "User account disabled (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it with X.7.13: the account "
     "used to log in is disabled.",
     k_sender, "Ask the mail provider's admin to re-enable the account.", k_iana},
    {530, "AUTH, RFC 4954", "Authentication required",
     "The server accepts mail from this client only after it logs in (SMTP AUTH). Typical when "
     "a mail program submits without credentials, or to port 587.",
     k_client, "Configure the mail program to authenticate (user name and password, over TLS).",
     k_4954},
    {530, "STARTTLS, RFC 3207", "Must issue a STARTTLS command first",
     "The server requires an encrypted connection before this command.", k_client,
     "Enable STARTTLS in the client or the sending server.", k_3207},
    {533, "", "Delivery not authorized (registry only)",
     "No RFC gives this code a reply text; the IANA registry lists it with X.7.1: the server "
     "refuses the message by policy.",
     k_sender_admin, "Read the text for the policy that refused it.", k_iana},
    {534, "AUTH, RFC 4954", "Authentication mechanism is too weak",
     "The server refuses the chosen AUTH mechanism for this user as not strong enough.", k_client,
     "Use a stronger mechanism (or an app password, where the provider requires one).", k_4954},
    {535, "AUTH, RFC 4954", "Authentication credentials invalid",
     "The user name or password was refused. Providers that require app passwords or OAuth also "
     "answer this to plain passwords.",
     k_sender,
     "Check the user name and password in the mail program; create an app password if the "
     "provider uses two-factor sign-in.",
     k_4954},
    {538, "AUTH, RFC 4954", "Encryption required for requested authentication mechanism",
     "This mechanism is allowed only over TLS.", k_client, "Issue STARTTLS before AUTH.", k_4954},
    {550, "", "Requested action not taken: mailbox unavailable",
     "A permanent refusal. The mailbox does not exist, or the server will not accept this "
     "message or sender for a policy reason (spam filtering, authentication, blocklists). The "
     "enhanced status code and the text say which.",
     k_sender,
     "Read the enhanced status and text. For an unknown mailbox, check the address for typos. "
     "For a policy refusal, the sending admin has to fix what the text names.",
     k_5321},
    {551, "", "User not local; please try another path",
     "The server does not hold this mailbox and will not forward it; the text may give the "
     "address to use instead.",
     k_sender, "Send to the address the reply names, or ask the recipient for a current one.",
     k_5321},
    {552, "", "Requested mail action aborted: exceeded storage allocation",
     "The recipient's mailbox is full, or the message is larger than the server accepts. Most "
     "servers treat a full mailbox as permanent, some as temporary.",
     k_recipient,
     "If the mailbox is full, tell the recipient another way. If the message is too big, send a "
     "smaller one (link large files instead of attaching them).",
     k_5321},
    {553, "", "Requested action not taken: mailbox name not allowed",
     "The address is refused as written: bad syntax, or a sender or recipient the server does "
     "not allow.",
     k_sender, "Check both the recipient address and the sender address for mistakes.", k_5321},
    {554, "", "Transaction failed",
     "A permanent failure of the whole transaction, most often a policy or spam rejection after "
     "DATA. As the greeting on a new connection it means \"no SMTP service here\": the client is "
     "refused outright, usually because of its IP address.",
     k_sender_admin,
     "Read the text: it names the blocklist, policy or content rule. The sending admin has to "
     "fix that cause; resending unchanged will fail again.",
     k_5321},
    {555, "", "MAIL FROM/RCPT TO parameters not recognized or not implemented",
     "The server does not support an extension parameter the client sent (such as SIZE, BODY or "
     "SMTPUTF8 where not announced).",
     k_client, "Send only the parameters the server announced in its EHLO reply.", k_5321},
    {556, "", "Domain does not accept mail",
     "The recipient's domain publishes a \"null MX\" (RFC 7505): it says it receives no mail "
     "at all. The failure is final.",
     k_sender, "Do not retry. Ask the recipient for an address at a domain that takes mail.",
     "RFC 7504; RFC 7505"},
});

// clang-format off
// One line per code keeps the registry order visible; the texts are long strings.
constexpr std::array k_enhanced = std::to_array<enhanced_entry>({
    // X.0 Other or undefined status
    {0, 0, "Other undefined Status",
     "The server gave no more detail than success, temporary failure or permanent failure.",
     k_sender, "Read the reply text; it is the only source of the reason.", "RFC 3463", "245", "Any", ""},
    // X.1 Addressing
    {1, 0, "Other address status",
     "Something is wrong with an address, without saying what.",
     k_sender, "Check the sender and recipient addresses for typos.", "RFC 3463", "245", "Not given", ""},
    {1, 1, "Bad destination mailbox address",
     "The part before the @ does not exist at the recipient's domain: no such user.",
     k_sender, "Check the spelling of the address, or ask the recipient for a current one. Remove it from mailing lists.", "RFC 3463", "45", "451, 550", ""},
    {1, 2, "Bad destination system address",
     "The part after the @ is not a domain that can receive mail (it does not exist or has no mail host).",
     k_sender, "Check the domain name for typos (gmial.com, .con).", "RFC 3463", "5", "Not given", ""},
    {1, 3, "Bad destination mailbox address syntax",
     "The recipient address is not a valid address at all (a space, a missing @, bad characters).",
     k_sender, "Correct how the address is written.", "RFC 3463", "5", "501", ""},
    {1, 4, "Destination mailbox address ambiguous",
     "The address matches more than one mailbox at the destination.",
     k_sender, "Use a more precise address; the recipient's admin may need to fix an alias.", "RFC 3463", "245", "Not given", ""},
    {1, 5, "Destination address valid",
     "The recipient address was accepted (a success code).",
     k_nobody, "Nothing.", "RFC 3463", "2", "250", ""},
    {1, 6, "Destination mailbox has moved, No forwarding address",
     "The mailbox used to exist but the person has moved on and left no forwarding address.",
     k_sender, "Find the person's new address another way; remove this one from lists.", "RFC 3463", "5", "Not given", ""},
    {1, 7, "Bad sender's mailbox address syntax",
     "The sender (MAIL FROM) address is malformed.",
     k_sender_admin, "Fix the envelope sender address the sending server uses.", "RFC 3463", "245", "Not given", ""},
    {1, 8, "Bad sender's system address",
     "The sender's domain cannot be used: it does not exist in DNS or cannot receive replies.",
     k_sender_admin, "Make sure the envelope sender domain exists and has MX or A records.", "RFC 3463", "45", "451, 501", ""},
    {1, 9, "Message relayed to non-compliant mailer",
     "The message was passed to a system that cannot return delivery status notifications, so no further reports will come.",
     k_nobody, "Nothing; just do not expect a later delivery report.", "RFC 3886", "245", "Not given", ""},
    {1, 10, "Recipient address has null MX",
     "The recipient's domain publishes a null MX (RFC 7505): it never receives mail.",
     k_sender, "Do not retry; ask the recipient for a working address.", "RFC 7505; RFC 7504", "5", "556", ""},
    // X.2 Mailbox
    {2, 0, "Other or undefined mailbox status",
     "The mailbox exists but something about it stopped delivery; no detail given.",
     k_recipient_admin, "Read the text; contact the recipient another way if it persists.", "RFC 3463", "245", "Not given", ""},
    {2, 1, "Mailbox disabled, not accepting messages",
     "The mailbox exists but is switched off: suspended, inactive for a long time, or closed.",
     k_recipient, "Contact the recipient another way; remove the address if it stays disabled.", "RFC 3463", "45", "Not given", ""},
    {2, 2, "Mailbox full",
     "The recipient's mailbox has reached its storage quota.",
     k_recipient, "Tell the recipient another way to make space, then resend.", "RFC 3463", "45", "552", ""},
    {2, 3, "Message length exceeds administrative limit",
     "The message is bigger than this recipient or mailbox may receive.",
     k_sender, "Send a smaller message: share large files by link instead of attachment.", "RFC 3463", "5", "552", ""},
    {2, 4, "Mailing list expansion problem",
     "The address is a mailing list and sending to its members failed.",
     k_recipient_admin, "Tell the list owner; the list's configuration needs fixing.", "RFC 3463", "45", "450, 452", ""},
    // X.3 Mail system
    {3, 0, "Other or undefined mail system status",
     "The receiving mail system has a problem it does not describe.",
     k_recipient_admin, "Wait and retry for a temporary code; otherwise the receiving admin has to look at it.", "RFC 3463", "245", "221, 250, 421, 451, 550, 554", ""},
    {3, 1, "Mail system full",
     "The receiving server's own storage is full (not just one mailbox).",
     k_recipient_admin, "Wait: the sending server retries. The receiving admin needs to free space.", "RFC 3463", "4", "452", ""},
    {3, 2, "System not accepting network messages",
     "The receiving host is not taking mail at all at the moment (shutting down, maintenance), or never does.",
     k_recipient_admin, "Wait for the retry; if permanent, check the recipient domain's MX records.", "RFC 3463; RFC 7504", "45", "453, 521", ""},
    {3, 3, "System not capable of selected features",
     "The message needs a feature the receiving system lacks (for example a delivery option or extension).",
     k_sender_admin, "Send without the special option or feature.", "RFC 3463", "245", "Not given", ""},
    {3, 4, "Message too big for system",
     "The message is larger than the receiving server accepts for anyone.",
     k_sender, "Send a smaller message; share large files by link.", "RFC 3463", "5", "552, 554", ""},
    {3, 5, "System incorrectly configured",
     "The receiving (or relaying) system is misconfigured, for example it routes mail back to itself.",
     k_recipient_admin, "Tell the recipient's admin; nothing the sender changes will help.", "RFC 3463", "245", "Not given", ""},
    {3, 6, "Requested priority was changed",
     "The message was accepted, but at a different priority than the one requested (MT-PRIORITY).",
     k_nobody, "Nothing.", "RFC 6710", "2", "250 or 251", ""},
    // X.4 Network and routing
    {4, 0, "Other or undefined network or routing status",
     "Something went wrong between the servers (network, DNS or routing), without detail.",
     k_sender_admin, "Wait for the retry; if it lasts, check DNS and connectivity to the recipient's MX.", "RFC 3463", "245", "Not given", ""},
    {4, 1, "No answer from host",
     "The sending server could not open a connection to the recipient's mail server (timeout or refused).",
     k_nobody, "Wait: the sending server retries. If it lasts a day, the recipient's server is down or firewalled.", "RFC 3463", "4", "451", ""},
    {4, 2, "Bad connection",
     "The connection opened but broke during the transaction.",
     k_nobody, "Wait for the retry; repeated failures point at a network or TLS problem.", "RFC 3463", "4", "421", ""},
    {4, 3, "Directory server failure",
     "A directory or lookup the server needed (DNS, LDAP, user database) failed.",
     k_recipient_admin, "Wait for the retry; if it is permanent the responsible admin must fix the lookup.", "RFC 3463", "45", "451, 550", ""},
    {4, 4, "Unable to route",
     "No route to the recipient's domain was found: no usable MX or address records in DNS.",
     k_sender, "Check the recipient domain for typos; if it is right, its DNS is broken.", "RFC 3463", "45", "Not given", ""},
    {4, 5, "Mail system congestion",
     "The receiving system is overloaded and is deferring mail.",
     k_nobody, "Wait: the sending server retries.", "RFC 3463", "4", "451", ""},
    {4, 6, "Routing loop detected",
     "The message went round in circles (too many Received hops, or two servers passing it back and forth).",
     k_recipient_admin, "The admins of the servers in the loop must fix forwarding or MX settings.", "RFC 3463", "4", "Not given", ""},
    {4, 7, "Delivery time expired",
     "The sending server kept retrying until its time limit ran out (often days) and gave up.",
     k_sender_admin, "Look at the last error it recorded: that is the real cause. Resend once it is fixed.", "RFC 3463", "245", "Not given", ""},
    // X.5 Mail delivery protocol
    {5, 0, "Other or undefined protocol status",
     "An SMTP protocol problem without more detail.",
     k_client, "Read the text; check the client or server software.", "RFC 3463", "245", "220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501, 502, 503, 554", ""},
    {5, 1, "Invalid command",
     "The server got a command it does not accept at this point (unknown, or out of order).",
     k_client, "Check the client software; look at the earlier replies for the real refusal.", "RFC 3463", "45", "430, 500, 501, 503, 530, 550, 554, 555", ""},
    {5, 2, "Syntax error",
     "A command was malformed.",
     k_client, "Check the client software and anything that rewrites SMTP on the way.", "RFC 3463", "5", "500, 501, 502, 550, 555", ""},
    {5, 3, "Too many recipients",
     "More recipients than the server takes in one message; the rest must come in another transaction.",
     k_nobody, "Well-behaved senders split the list and retry; otherwise send to fewer recipients at once.", "RFC 3463", "4", "451", ""},
    {5, 4, "Invalid command arguments",
     "A command's arguments were refused (a bad parameter or value).",
     k_client, "Check the parameters the client sends.", "RFC 3463", "45", "451, 501, 502, 503, 504, 550, 555", ""},
    {5, 5, "Wrong protocol version",
     "The two sides disagree on the protocol version.",
     k_client, "Update or reconfigure the client software.", "RFC 3463", "245", "Not given", ""},
    {5, 6, "Authentication Exchange line is too long",
     "An AUTH exchange line was longer than the server accepts.",
     k_client, "Use another authentication mechanism.", "RFC 4954", "45", "500", ""},
    // X.6 Message content or media
    {6, 0, "Other or undefined media error",
     "Something in the message content caused the failure, without detail.",
     k_sender, "Read the text; try sending without attachments or unusual formatting.", "RFC 3463", "245", "Not given", ""},
    {6, 1, "Media not supported",
     "The message uses a content type or encoding the destination does not take.",
     k_sender, "Send in a more common format (plain text, or common attachment types).", "RFC 3463", "5", "Not given", ""},
    {6, 2, "Conversion required and prohibited",
     "The content would have to be converted to be delivered, but the sender forbade conversion.",
     k_sender, "Allow conversion, or send content the destination accepts as is.", "RFC 3463", "245", "Not given", ""},
    {6, 3, "Conversion required but not supported",
     "The content would have to be converted and the server cannot do that conversion.",
     k_sender, "Send content in a form the destination accepts (for example 7-bit text).", "RFC 3463", "5", "554", ""},
    {6, 4, "Conversion with loss performed",
     "The message was delivered, but converting it lost some content.",
     k_nobody, "Check with the recipient that nothing important was lost.", "RFC 3463", "25", "250", ""},
    {6, 5, "Conversion Failed",
     "The server tried to convert the content and failed.",
     k_sender, "Send the content in a simpler form.", "RFC 3463", "45", "Not given", ""},
    {6, 6, "Message content not available",
     "Content the message refers to (BURL submission) could not be fetched.",
     k_client, "Check the URL authorisation the client gave the server.", "RFC 4468", "45", "554", ""},
    {6, 7, "Non-ASCII addresses not permitted for that sender/recipient",
     "An internationalised (non-ASCII) address was used where the server does not allow it.",
     k_sender, "Use an ASCII address for this correspondent.", "RFC 6531", "5", "553, 550", ""},
    {6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client",
     "The server would have to answer with UTF-8 text, but the client did not enable SMTPUTF8.",
     k_client, "Enable SMTPUTF8 in the client, or use ASCII addresses.", "RFC 6531", "25", "252, 553, 550", ""},
    {6, 9, "UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected",
     "The message has UTF-8 in its header and the path to a recipient cannot carry that.",
     k_sender, "Send to that recipient with an ASCII-only header.", "RFC 6531", "5", "550", ""},
    {6, 10, "(deprecated: duplicate of X.6.8)",
     "A deprecated duplicate of X.6.8: a UTF-8 reply would be needed but the client did not allow it.",
     k_client, "Treat it as X.6.8: enable SMTPUTF8 in the client, or use ASCII addresses.", "RFC 6531", "245", "", "The registry marks X.6.10 as deprecated; servers should send X.6.8."},
    // X.7 Security or policy
    {7, 0, "Other or undefined security status",
     "A security or policy rule stopped the message, without naming it. Spam filters often answer this.",
     k_sender_admin, "Read the text for the rule; check SPF, DKIM, DMARC and the sending IP's reputation.", "RFC 3463", "245", "220, 235, 450, 454, 500, 501, 503, 504, 530, 535, 550", ""},
    {7, 1, "Delivery not authorized, message refused",
     "The server refuses this message by policy: the sender, its IP address, its content, or relaying is not allowed.",
     k_sender_admin, "Read the text for the reason (blocklist, relay, spam score, authentication) and fix that; resending unchanged fails again.", "RFC 3463", "45", "451, 454, 502, 503, 533, 550, 551", ""},
    {7, 2, "Mailing list expansion prohibited",
     "The sender may not post to this mailing list.",
     k_sender, "Subscribe to the list or ask its owner for permission.", "RFC 3463", "5", "550", ""},
    {7, 3, "Security conversion required but not possible",
     "Delivering would require converting a signed or encrypted message, which cannot be done without breaking it.",
     k_sender, "Send without signing/encryption, or in a form the destination accepts.", "RFC 3463", "5", "Not given", ""},
    {7, 4, "Security features not supported",
     "The message asks for security features (signing, encryption, delivery options) the destination lacks.",
     k_sender, "Send without those features.", "RFC 3463", "5", "504", ""},
    {7, 5, "Cryptographic failure",
     "A signature or encryption on the message could not be processed.",
     k_sender_admin, "Check the signing or encryption setup (certificates, keys).", "RFC 3463", "245", "Not given", ""},
    {7, 6, "Cryptographic algorithm not supported",
     "The message uses a cryptographic algorithm the destination does not support.",
     k_sender_admin, "Use a more widely supported algorithm.", "RFC 3463", "245", "Not given", ""},
    {7, 7, "Message integrity failure",
     "A check showed the message was altered or damaged in transit.",
     k_sender_admin, "Resend; if it repeats, look for a relay or filter that modifies messages.", "RFC 3463", "245", "Not given", ""},
    {7, 8, "Authentication credentials invalid",
     "The login (SMTP AUTH) was refused: wrong user name or password.",
     k_sender, "Check the credentials in the mail program; use an app password where required.", "RFC 4954", "5", "535, 554", ""},
    {7, 9, "Authentication mechanism is too weak",
     "The server refuses the chosen login mechanism as too weak.",
     k_client, "Use a stronger mechanism.", "RFC 4954", "5", "534", ""},
    {7, 10, "Encryption Needed",
     "The server requires TLS for this mail or this command.",
     k_sender_admin, "Enable STARTTLS on the sending side.", "RFC 5248", "5", "523", ""},
    {7, 11, "Encryption required for requested authentication mechanism",
     "This login mechanism may only be used over TLS.",
     k_client, "Issue STARTTLS before AUTH.", "RFC 4954", "5", "524, 538", ""},
    {7, 12, "A password transition is needed",
     "The user must log in once with a plain mechanism over TLS so the server can update the stored password.",
     k_sender, "Log in once with PLAIN or LOGIN over TLS.", "RFC 4954", "4", "422, 432", ""},
    {7, 13, "User Account Disabled",
     "The account used to log in or send is disabled.",
     k_sender, "Ask the provider's admin to re-enable it.", "RFC 5248", "5", "525", ""},
    {7, 14, "Trust relationship required",
     "The server accepts this only from peers it has an agreement with.",
     k_sender_admin, "Arrange the trust (credentials, allow-listing) with the receiving admin.", "RFC 5248", "5", "535, 554", ""},
    {7, 15, "Priority Level is too low",
     "The message's priority (MT-PRIORITY) is too low for the server to take it now.",
     k_sender, "Retry later or with a higher priority, if allowed.", "RFC 6710", "45", "450, 550 (other 4XX or 5XX codes are allowed)", ""},
    {7, 16, "Message is too big for the specified priority",
     "At this priority level the message is larger than the server allows.",
     k_sender, "Send a smaller message or use another priority.", "RFC 6710", "45", "552 (other 4XX or 5XX codes are allowed)", ""},
    {7, 17, "Mailbox owner has changed",
     "The address now belongs to someone else than the sender expected (Require-Recipient-Valid-Since).",
     k_sender, "Confirm the recipient's current address before sending again.", "RFC 7293", "5", "5XX", ""},
    {7, 18, "Domain owner has changed",
     "The recipient's domain changed hands since the date the sender gave (Require-Recipient-Valid-Since).",
     k_sender, "Confirm the recipient's current address.", "RFC 7293", "5", "5XX", ""},
    {7, 19, "RRVS test cannot be completed",
     "The server could not check whether the mailbox changed owner (Require-Recipient-Valid-Since).",
     k_sender, "Send without the RRVS requirement, or confirm the address another way.", "RFC 7293", "5", "5XX", ""},
    {7, 20, "No passing DKIM signature found",
     "The receiver requires a valid DKIM signature and the message had none that verified.",
     k_sender_admin, "Sign outgoing mail with DKIM and check that nothing on the way alters signed parts.", "RFC 7372; RFC 6376", "5", "550", ""},
    {7, 21, "No acceptable DKIM signature found",
     "There were DKIM signatures, but none the receiver accepts (wrong domain, weak key, bad algorithm).",
     k_sender_admin, "Sign with the sender's own domain and a key of at least 1024 (better 2048) bits.", "RFC 7372; RFC 6376", "5", "550", ""},
    {7, 22, "No valid author-matched DKIM signature found",
     "No valid DKIM signature from the domain in the From: field.",
     k_sender_admin, "Sign with the From: domain (or align it), as DMARC expects.", "RFC 7372; RFC 6376", "5", "550", ""},
    {7, 23, "SPF validation failed",
     "The sending IP address is not allowed by the SPF record of the sender's domain.",
     k_sender_admin, "Add the sending server or service to the domain's SPF record, or send through an allowed server.", "RFC 7372; RFC 7208", "5", "550", ""},
    {7, 24, "SPF validation error",
     "The SPF check itself failed (a DNS error, or a broken or too complex SPF record).",
     k_sender_admin, "Check the SPF record's syntax and its DNS lookup count (at most 10).", "RFC 7372; RFC 7208", "45", "451/550", ""},
    {7, 25, "Reverse DNS validation failed",
     "The sending IP address has no PTR record, or its name does not resolve back to the same address.",
     k_sender_admin, "Ask whoever owns the IP address (hosting or ISP) to set a PTR record whose name resolves back to it.", "RFC 7372 3.3", "5", "550", ""},
    {7, 26, "Multiple authentication checks failed",
     "Several authentication checks (SPF, DKIM, DMARC, reverse DNS) failed together.",
     k_sender_admin, "Set up SPF and DKIM for the From: domain and make them align for DMARC.", "RFC 7372", "5", "550", ""},
    {7, 27, "Sender address has null MX",
     "The sender's domain publishes a null MX, so it cannot receive bounces; the receiver refuses mail from it.",
     k_sender_admin, "Send from a domain that can receive mail, or remove the null MX.", "RFC 7505", "5", "550", ""},
    {7, 28, "Mail flood detected",
     "The receiver saw an unusual flood of messages (for example a subscription-bombing attack) and is refusing them.",
     k_sender_admin, "Slow down; check sign-up forms for abuse; use confirmed opt-in.", "draft-levine-mailbomb-header", "245", ".", ""},
    {7, 29, "ARC validation failure",
     "The message's ARC chain (authentication results kept across forwarders) did not validate.",
     k_sender_admin, "The forwarding system that added the broken ARC set must fix its signing.", "RFC 8617", "5", "550", ""},
    {7, 30, "REQUIRETLS support required",
     "The message demanded TLS all the way (REQUIRETLS) and the next hop cannot provide it.",
     k_sender, "Send without REQUIRETLS, or to a destination that supports it.", "RFC 8689", "5", "550", ""},
});
// clang-format on

}  // namespace

std::span<const reply_code_entry> reply_code_table() noexcept { return k_reply_codes; }
std::span<const enhanced_entry> enhanced_table() noexcept { return k_enhanced; }

std::string_view reply_first_digit(int digit) noexcept {
  switch (digit) {
    case 2:
      return "2: positive completion (the command succeeded)";
    case 3:
      return "3: positive intermediate (accepted so far; the client must send more)";
    case 4:
      return "4: transient negative completion (failed for now; retrying may work)";
    case 5:
      return "5: permanent negative completion (failed; the same request will fail again)";
    default:
      return {};
  }
}

std::string_view reply_second_digit(int digit) noexcept {
  switch (digit) {
    case 0:
      return "0: syntax (a malformed, unknown or unimplemented command)";
    case 1:
      return "1: information (status or help)";
    case 2:
      return "2: connections (the transmission channel)";
    case 3:
      return "3: unspecified by RFC 5321";
    case 4:
      return "4: unspecified by RFC 5321";
    case 5:
      return "5: mail system (the receiver's mail system or a mailbox)";
    default:
      return {};
  }
}

std::string_view status_class_meaning(int klass) noexcept {
  switch (klass) {
    case 2:
      return "2: success";
    case 4:
      return "4: persistent transient failure (the message may get through if sent again later)";
    case 5:
      return "5: permanent failure (sending it again unchanged will fail)";
    default:
      return {};
  }
}

std::string_view status_subject_meaning(int subject) noexcept {
  switch (subject) {
    case 0:
      return "0: other or undefined status";
    case 1:
      return "1: addressing (the sender or recipient address)";
    case 2:
      return "2: mailbox (the recipient's mailbox)";
    case 3:
      return "3: mail system (the receiving system as a whole)";
    case 4:
      return "4: network and routing";
    case 5:
      return "5: mail delivery protocol (SMTP itself)";
    case 6:
      return "6: message content or media";
    case 7:
      return "7: security or policy";
    default:
      return {};
  }
}

}  // namespace hopscope::detail
