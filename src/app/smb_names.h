#pragma once
// The names Suricata's SMB logger writes for commands, NTSTATUS codes and
// SMB2 dialects, so our smb events read like its EVE records.
#include <cstdint>
#include <string>
#include <string_view>

namespace mld::app::smb {

// "SMB1_COMMAND_NT_CREATE_ANDX", or the number in decimal when unnamed.
std::string smb1_command_name(std::uint8_t command);
// "SMB2_COMMAND_TREE_CONNECT", or the number in decimal when unnamed.
std::string smb2_command_name(std::uint16_t command);
// "STATUS_ACCESS_DENIED" for the common codes (MS-ERREF 2.3.1); empty otherwise.
std::string_view ntstatus_name(std::uint32_t status);
// DialectRevision 0x0210 -> "2.10", 0x02ff (multi-protocol negotiate) -> "2.??";
// unknown revisions as the number in decimal.
std::string smb2_dialect_name(std::uint16_t dialect);

}  // namespace mld::app::smb
