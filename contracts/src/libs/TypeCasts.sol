// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Conversions between EVM addresses and the bytes32 form messages carry (left-padded), so
/// that senders and recipients on non-EVM chains fit the same field.
library TypeCasts {
    /// @notice The address left-padded with zeros to 32 bytes.
    function addressToBytes32(address addr) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(addr)));
    }

    /// @notice The low 20 bytes as an address (the high 12 bytes are dropped, as Hyperlane does).
    function bytes32ToAddress(bytes32 buf) internal pure returns (address) {
        return address(uint160(uint256(buf)));
    }
}
