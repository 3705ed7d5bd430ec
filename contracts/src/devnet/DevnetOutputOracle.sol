// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The devnet's L1 anchor for one L2: output roots in OP Stack's format, stored with the
/// storage layout of OP's L2OutputOracle (contracts-bedrock snapshots/storageLayout/L2OutputOracle.json)
/// so that causeway's light client proves them on the devnet exactly as on OP Mainnet:
/// slot 0 Initializable, 1 startingBlockNumber, 2 startingTimestamp, 3 `l2Outputs`, each element two
/// slots (outputRoot; timestamp in the low 128 bits and l2BlockNumber in the high 128 bits).
/// Devnet only: one proposer, no challenger; the finalization period is reported, not enforced.
contract DevnetOutputOracle {
    struct OutputProposal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2BlockNumber;
    }

    uint8 private initialized; // slot 0, as Initializable's _initialized
    uint256 public startingBlockNumber; // slot 1
    uint256 public startingTimestamp; // slot 2
    OutputProposal[] internal l2Outputs; // slot 3

    uint256 public constant L2_OUTPUTS_SLOT = 3;
    address public immutable PROPOSER;
    uint256 public immutable FINALIZATION_PERIOD_SECONDS;

    event OutputProposed(
        bytes32 indexed outputRoot, uint256 indexed l2OutputIndex, uint256 indexed l2BlockNumber, uint256 l1Timestamp
    );

    error NotProposer(address caller);
    error BlockNumberNotAfterLatest(uint256 l2BlockNumber, uint256 latest);
    error EmptyOutputRoot();
    error NoOutputs();
    error BlockNotProposed(uint256 l2BlockNumber, uint256 latest);

    constructor(address proposer, uint256 finalizationPeriodSeconds) {
        PROPOSER = proposer;
        FINALIZATION_PERIOD_SECONDS = finalizationPeriodSeconds;
        initialized = 1;
        startingTimestamp = block.timestamp;
    }

    /// Same signature as L2OutputOracle.proposeL2Output; the L1 block reference is accepted and not checked.
    function proposeL2Output(bytes32 outputRoot, uint256 l2BlockNumber, bytes32, uint256) external payable {
        if (msg.sender != PROPOSER) revert NotProposer(msg.sender);
        if (outputRoot == bytes32(0)) revert EmptyOutputRoot();
        if (l2Outputs.length > 0 && l2BlockNumber <= l2Outputs[l2Outputs.length - 1].l2BlockNumber) {
            revert BlockNumberNotAfterLatest(l2BlockNumber, l2Outputs[l2Outputs.length - 1].l2BlockNumber);
        }
        emit OutputProposed(outputRoot, l2Outputs.length, l2BlockNumber, block.timestamp);
        l2Outputs.push(OutputProposal(outputRoot, uint128(block.timestamp), uint128(l2BlockNumber)));
    }

    function getL2Output(uint256 index) external view returns (OutputProposal memory) {
        return l2Outputs[index];
    }

    /// As L2OutputOracle.getL2OutputIndexAfter: the first output whose L2 block is at or after
    /// `l2BlockNumber` (the output that covers that block), by binary search.
    function getL2OutputIndexAfter(uint256 l2BlockNumber) external view returns (uint256) {
        uint256 n = l2Outputs.length;
        if (n == 0) revert NoOutputs();
        if (l2Outputs[n - 1].l2BlockNumber < l2BlockNumber) {
            revert BlockNotProposed(l2BlockNumber, l2Outputs[n - 1].l2BlockNumber);
        }
        uint256 lo = 0;
        uint256 hi = n - 1;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (l2Outputs[mid].l2BlockNumber < l2BlockNumber) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    function nextOutputIndex() external view returns (uint256) {
        return l2Outputs.length;
    }

    function latestOutputIndex() external view returns (uint256) {
        if (l2Outputs.length == 0) revert NoOutputs();
        return l2Outputs.length - 1;
    }

    function latestBlockNumber() external view returns (uint256) {
        return l2Outputs.length == 0 ? startingBlockNumber : l2Outputs[l2Outputs.length - 1].l2BlockNumber;
    }
}
