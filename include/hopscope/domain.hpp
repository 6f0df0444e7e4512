#pragma once
// Host names: the registrable ("organisational") domain by the public suffix list.

#include <string>
#include <string_view>

namespace hopscope {

/// The registrable domain of `host` ("mx1.mail.example.co.uk" -> "example.co.uk"), lower
/// case, trailing dot removed; empty when `host` is an IP literal, a single label, a public
/// suffix itself, or not a host name. Uses libpsl with the system's public suffix list
/// (Debian `publicsuffix`), falling back to libpsl's built-in copy: on the first call the
/// list's text is read into a hash table that answers as libpsl does at a fraction of the cost,
/// and libpsl answers only the names the table does not handle (IDN labels). One difference is
/// known: libpsl's compiled list calls "x.m" a public suffix, although the list has no rule for
/// "m"; the table follows the list. Thread-safe.
[[nodiscard]] std::string registrable_domain(std::string_view host);

/// True when both hosts have the same non-empty registrable domain.
[[nodiscard]] bool same_organisation(std::string_view a, std::string_view b);

}  // namespace hopscope
