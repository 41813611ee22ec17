#include "app/smb_names.h"

#include <algorithm>
#include <array>
#include <utility>

namespace mld::app::smb {
namespace {

struct Named {
  std::uint32_t code;
  std::string_view name;
};

// MS-CIFS 2.2.2.1 command codes with the names Suricata gives them.
constexpr std::array<Named, 42> kSmb1Commands{{
    {0x00, "SMB1_COMMAND_CREATE_DIRECTORY"},
    {0x01, "SMB1_COMMAND_DELETE_DIRECTORY"},
    {0x02, "SMB1_COMMAND_OPEN"},
    {0x03, "SMB1_COMMAND_CREATE"},
    {0x04, "SMB1_COMMAND_CLOSE"},
    {0x05, "SMB1_COMMAND_FLUSH"},
    {0x06, "SMB1_COMMAND_DELETE"},
    {0x07, "SMB1_COMMAND_RENAME"},
    {0x08, "SMB1_COMMAND_QUERY_INFORMATION"},
    {0x09, "SMB1_COMMAND_SET_INFORMATION"},
    {0x0a, "SMB1_COMMAND_READ"},
    {0x0b, "SMB1_COMMAND_WRITE"},
    {0x0c, "SMB1_COMMAND_LOCK_BYTE_RANGE"},
    {0x0d, "SMB1_COMMAND_UNLOCK_BYTE_RANGE"},
    {0x0e, "SMB1_COMMAND_CREATE_TEMPORARY"},
    {0x0f, "SMB1_COMMAND_CREATE_NEW"},
    {0x10, "SMB1_COMMAND_CHECK_DIRECTORY"},
    {0x11, "SMB1_COMMAND_PROCESS_EXIT"},
    {0x12, "SMB1_COMMAND_SEEK"},
    {0x13, "SMB1_COMMAND_LOCK_AND_READ"},
    {0x14, "SMB1_COMMAND_WRITE_AND_UNLOCK"},
    {0x24, "SMB1_COMMAND_LOCKING_ANDX"},
    {0x25, "SMB1_COMMAND_TRANS"},
    {0x2b, "SMB1_COMMAND_ECHO"},
    {0x2c, "SMB1_COMMAND_WRITE_AND_CLOSE"},
    {0x2d, "SMB1_COMMAND_OPEN_ANDX"},
    {0x2e, "SMB1_COMMAND_READ_ANDX"},
    {0x2f, "SMB1_COMMAND_WRITE_ANDX"},
    {0x32, "SMB1_COMMAND_TRANS2"},
    {0x33, "SMB1_COMMAND_TRANS2_SECONDARY"},
    {0x34, "SMB1_COMMAND_FIND_CLOSE2"},
    {0x71, "SMB1_COMMAND_TREE_DISCONNECT"},
    {0x72, "SMB1_COMMAND_NEGOTIATE_PROTOCOL"},
    {0x73, "SMB1_COMMAND_SESSION_SETUP_ANDX"},
    {0x74, "SMB1_COMMAND_LOGOFF_ANDX"},
    {0x75, "SMB1_COMMAND_TREE_CONNECT_ANDX"},
    {0x80, "SMB1_COMMAND_QUERY_INFO_DISK"},
    {0xa0, "SMB1_COMMAND_NT_TRANS"},
    {0xa1, "SMB1_COMMAND_NT_TRANS_SECONDARY"},
    {0xa2, "SMB1_COMMAND_NT_CREATE_ANDX"},
    {0xa4, "SMB1_COMMAND_NT_CANCEL"},
    {0xff, "SMB1_COMMAND_NONE"},
}};

// MS-SMB2 2.2.1.2 commands 0x0000..0x0012, in order.
constexpr std::array<std::string_view, 19> kSmb2Commands{
    "SMB2_COMMAND_NEGOTIATE_PROTOCOL",
    "SMB2_COMMAND_SESSION_SETUP",
    "SMB2_COMMAND_SESSION_LOGOFF",
    "SMB2_COMMAND_TREE_CONNECT",
    "SMB2_COMMAND_TREE_DISCONNECT",
    "SMB2_COMMAND_CREATE",
    "SMB2_COMMAND_CLOSE",
    "SMB2_COMMAND_FLUSH",
    "SMB2_COMMAND_READ",
    "SMB2_COMMAND_WRITE",
    "SMB2_COMMAND_LOCK",
    "SMB2_COMMAND_IOCTL",
    "SMB2_COMMAND_CANCEL",
    "SMB2_COMMAND_KEEPALIVE",
    "SMB2_COMMAND_FIND",
    "SMB2_COMMAND_CHANGE_NOTIFY",
    "SMB2_COMMAND_GET_INFO",
    "SMB2_COMMAND_SET_INFO",
    "SMB2_COMMAND_OPLOCK_BREAK",
};

// The NTSTATUS codes SMB servers commonly answer with (MS-ERREF 2.3.1), by code.
constexpr std::array<Named, 80> kStatuses{{
    {0x00000000, "STATUS_SUCCESS"},
    {0x00000103, "STATUS_PENDING"},
    {0x00000104, "STATUS_REPARSE"},
    {0x00000105, "STATUS_MORE_ENTRIES"},
    {0x0000010b, "STATUS_NOTIFY_CLEANUP"},
    {0x0000010c, "STATUS_NOTIFY_ENUM_DIR"},
    {0x80000005, "STATUS_BUFFER_OVERFLOW"},
    {0x80000006, "STATUS_NO_MORE_FILES"},
    {0x8000001a, "STATUS_NO_MORE_ENTRIES"},
    {0xc0000001, "STATUS_UNSUCCESSFUL"},
    {0xc0000002, "STATUS_NOT_IMPLEMENTED"},
    {0xc0000003, "STATUS_INVALID_INFO_CLASS"},
    {0xc0000004, "STATUS_INFO_LENGTH_MISMATCH"},
    {0xc0000008, "STATUS_INVALID_HANDLE"},
    {0xc000000d, "STATUS_INVALID_PARAMETER"},
    {0xc000000e, "STATUS_NO_SUCH_DEVICE"},
    {0xc000000f, "STATUS_NO_SUCH_FILE"},
    {0xc0000010, "STATUS_INVALID_DEVICE_REQUEST"},
    {0xc0000011, "STATUS_END_OF_FILE"},
    {0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED"},
    {0xc0000017, "STATUS_NO_MEMORY"},
    {0xc0000022, "STATUS_ACCESS_DENIED"},
    {0xc0000023, "STATUS_BUFFER_TOO_SMALL"},
    {0xc0000033, "STATUS_OBJECT_NAME_INVALID"},
    {0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xc0000035, "STATUS_OBJECT_NAME_COLLISION"},
    {0xc0000039, "STATUS_OBJECT_PATH_INVALID"},
    {0xc000003a, "STATUS_OBJECT_PATH_NOT_FOUND"},
    {0xc000003b, "STATUS_OBJECT_PATH_SYNTAX_BAD"},
    {0xc0000043, "STATUS_SHARING_VIOLATION"},
    {0xc0000054, "STATUS_FILE_LOCK_CONFLICT"},
    {0xc0000055, "STATUS_LOCK_NOT_GRANTED"},
    {0xc0000056, "STATUS_DELETE_PENDING"},
    {0xc000005f, "STATUS_NO_SUCH_LOGON_SESSION"},
    {0xc0000061, "STATUS_PRIVILEGE_NOT_HELD"},
    {0xc0000064, "STATUS_NO_SUCH_USER"},
    {0xc000006a, "STATUS_WRONG_PASSWORD"},
    {0xc000006d, "STATUS_LOGON_FAILURE"},
    {0xc000006e, "STATUS_ACCOUNT_RESTRICTION"},
    {0xc000006f, "STATUS_INVALID_LOGON_HOURS"},
    {0xc0000070, "STATUS_INVALID_WORKSTATION"},
    {0xc0000071, "STATUS_PASSWORD_EXPIRED"},
    {0xc0000072, "STATUS_ACCOUNT_DISABLED"},
    {0xc000007f, "STATUS_DISK_FULL"},
    {0xc000009a, "STATUS_INSUFFICIENT_RESOURCES"},
    {0xc00000a2, "STATUS_MEDIA_WRITE_PROTECTED"},
    {0xc00000ac, "STATUS_PIPE_NOT_AVAILABLE"},
    {0xc00000ad, "STATUS_INVALID_PIPE_STATE"},
    {0xc00000ae, "STATUS_PIPE_BUSY"},
    {0xc00000b0, "STATUS_PIPE_DISCONNECTED"},
    {0xc00000b1, "STATUS_PIPE_CLOSING"},
    {0xc00000b5, "STATUS_IO_TIMEOUT"},
    {0xc00000ba, "STATUS_FILE_IS_A_DIRECTORY"},
    {0xc00000bb, "STATUS_NOT_SUPPORTED"},
    {0xc00000c9, "STATUS_NETWORK_NAME_DELETED"},
    {0xc00000cc, "STATUS_BAD_NETWORK_NAME"},
    {0xc00000d0, "STATUS_REQUEST_NOT_ACCEPTED"},
    {0xc00000e2, "STATUS_OPLOCK_NOT_GRANTED"},
    {0xc00000e5, "STATUS_INTERNAL_ERROR"},
    {0xc0000101, "STATUS_DIRECTORY_NOT_EMPTY"},
    {0xc0000103, "STATUS_NOT_A_DIRECTORY"},
    {0xc0000120, "STATUS_CANCELLED"},
    {0xc0000128, "STATUS_FILE_CLOSED"},
    {0xc000014b, "STATUS_PIPE_BROKEN"},
    {0xc000015b, "STATUS_LOGON_TYPE_NOT_GRANTED"},
    {0xc0000184, "STATUS_INVALID_DEVICE_STATE"},
    {0xc000018d, "STATUS_TRUSTED_RELATIONSHIP_FAILURE"},
    {0xc0000193, "STATUS_ACCOUNT_EXPIRED"},
    {0xc000019c, "STATUS_FS_DRIVER_REQUIRED"},
    {0xc0000203, "STATUS_USER_SESSION_DELETED"},
    {0xc0000205, "STATUS_INSUFF_SERVER_RESOURCES"},
    {0xc000020c, "STATUS_CONNECTION_DISCONNECTED"},
    {0xc0000224, "STATUS_PASSWORD_MUST_CHANGE"},
    {0xc0000225, "STATUS_NOT_FOUND"},
    {0xc0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
    {0xc0000236, "STATUS_CONNECTION_REFUSED"},
    {0xc0000257, "STATUS_PATH_NOT_COVERED"},
    {0xc0000275, "STATUS_NOT_A_REPARSE_POINT"},
    {0xc000035c, "STATUS_NETWORK_SESSION_EXPIRED"},
    {0xc000a000, "STATUS_INVALID_SIGNATURE"},
}};

// MS-SMB2 2.2.3 DialectRevision values.
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 9> kDialects{{
    {0x0202, "2.02"},
    {0x0210, "2.10"},
    {0x0222, "2.22"},
    {0x0224, "2.24"},
    {0x02ff, "2.??"},
    {0x0300, "3.00"},
    {0x0302, "3.02"},
    {0x0310, "3.10"},
    {0x0311, "3.11"},
}};

template <std::size_t N>
std::string_view find(const std::array<Named, N>& table, std::uint32_t code) {
  const auto it =
      std::lower_bound(table.begin(), table.end(), code,
                       [](const Named& entry, std::uint32_t c) { return entry.code < c; });
  return it != table.end() && it->code == code ? it->name : std::string_view();
}

template <std::size_t N>
constexpr bool sorted_by_code(const std::array<Named, N>& table) {
  for (std::size_t i = 1; i < N; ++i) {
    if (table[i - 1].code >= table[i].code) return false;
  }
  return true;
}
static_assert(sorted_by_code(kSmb1Commands) && sorted_by_code(kStatuses), "binary search tables");

}  // namespace

std::string smb1_command_name(std::uint8_t command) {
  const std::string_view name = find(kSmb1Commands, command);
  return name.empty() ? std::to_string(command) : std::string(name);
}

std::string smb2_command_name(std::uint16_t command) {
  return command < kSmb2Commands.size() ? std::string(kSmb2Commands[command])
                                        : std::to_string(command);
}

std::string_view ntstatus_name(std::uint32_t status) { return find(kStatuses, status); }

std::string smb2_dialect_name(std::uint16_t dialect) {
  for (const auto& [revision, name] : kDialects) {
    if (revision == dialect) return std::string(name);
  }
  return std::to_string(dialect);
}

}  // namespace mld::app::smb
