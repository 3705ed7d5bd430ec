// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice The devnet's L1 anchor for a ZK-style L2: batches finalized with their post-state roots,
/// stored with the storage layout of Scroll's ScrollChain (scroll-tech/scroll-contracts
/// src/L1/rollup/ScrollChain.sol behind OpenZeppelin's upgradeable bases), so that causeway's light
/// client reads them on the devnet exactly as on Scroll: slot 156 lastFinalizedBatchIndex,
/// 157 committedBatches, 158 finalizedStateRoots, 159 withdrawRoots.
/// Devnet only: there is no prover; the one prover address's word stands for the validity proof
/// that ScrollChain checks before it writes a root. What the light client relies on is the same: a
/// non-zero finalizedStateRoots[batch] is final.
contract DevnetZkRollup {
    // Initializable (slot 0), ContextUpgradeable's gap (1-50), OwnableUpgradeable (51-100) and
    // PausableUpgradeable (101-150) as in ScrollChain; then maxNumTxInChunk 151, two deprecated
    // slots 152-153 and isSequencer 154, unused here; isProver 155.
    uint256[151] private __layout;
    uint256[4] private __scrollChainSlots;
    mapping(address => bool) public isProver; // slot 155
    uint256 public lastFinalizedBatchIndex; // slot 156
    mapping(uint256 => bytes32) public committedBatches; // slot 157
    mapping(uint256 => bytes32) public finalizedStateRoots; // slot 158
    mapping(uint256 => bytes32) public withdrawRoots; // slot 159

    // Beyond ScrollChain's layout: the last L2 block of each batch, so that a verifier can find the
    // batch that covers a block (on Scroll, the rollup's node answers that).
    mapping(uint256 => uint256) public batchLastBlock; // slot 160

    uint256 public constant FINALIZED_STATE_ROOTS_SLOT = 158;

    /// As IScrollChain's events.
    event CommitBatch(uint256 indexed batchIndex, bytes32 indexed batchHash);
    event FinalizeBatch(uint256 indexed batchIndex, bytes32 indexed batchHash, bytes32 stateRoot, bytes32 withdrawRoot);

    error NotProver(address caller);
    error BatchIndexNotNext(uint256 batchIndex, uint256 expected);
    error BlockNumberNotAfterLatest(uint256 lastL2Block, uint256 latest);
    error EmptyStateRoot();
    error NoBatches();
    error BlockNotFinalized(uint256 l2BlockNumber, uint256 latest);

    constructor(address prover) {
        isProver[prover] = true;
    }

    /// Commits and finalizes batch `batchIndex` (the next one) in one call: its post-state root is
    /// that of L2 block `lastL2Block`, the batch's last block.
    function finalizeBatch(uint256 batchIndex, bytes32 batchHash, bytes32 postStateRoot, bytes32 withdrawRoot,
        uint256 lastL2Block) external {
        if (!isProver[msg.sender]) revert NotProver(msg.sender);
        if (batchIndex != lastFinalizedBatchIndex + 1) revert BatchIndexNotNext(batchIndex, lastFinalizedBatchIndex + 1);
        if (postStateRoot == bytes32(0)) revert EmptyStateRoot();
        uint256 latest = batchLastBlock[lastFinalizedBatchIndex];
        if (lastFinalizedBatchIndex > 0 && lastL2Block <= latest) revert BlockNumberNotAfterLatest(lastL2Block, latest);
        committedBatches[batchIndex] = batchHash;
        emit CommitBatch(batchIndex, batchHash);
        finalizedStateRoots[batchIndex] = postStateRoot;
        withdrawRoots[batchIndex] = withdrawRoot;
        batchLastBlock[batchIndex] = lastL2Block;
        lastFinalizedBatchIndex = batchIndex;
        emit FinalizeBatch(batchIndex, batchHash, postStateRoot, withdrawRoot);
    }

    function isBatchFinalized(uint256 batchIndex) external view returns (bool) {
        return batchIndex <= lastFinalizedBatchIndex && finalizedStateRoots[batchIndex] != bytes32(0);
    }

    /// The newest L2 block a finalized batch covers (0 before the first batch).
    function lastFinalizedBlock() external view returns (uint256) {
        return batchLastBlock[lastFinalizedBatchIndex];
    }

    /// The first finalized batch whose last block is at or after `l2BlockNumber`: the batch that
    /// covers that block. By binary search over batches 1..lastFinalizedBatchIndex.
    function batchIndexAfter(uint256 l2BlockNumber) external view returns (uint256) {
        uint256 n = lastFinalizedBatchIndex;
        if (n == 0) revert NoBatches();
        if (batchLastBlock[n] < l2BlockNumber) revert BlockNotFinalized(l2BlockNumber, batchLastBlock[n]);
        uint256 lo = 1;
        uint256 hi = n;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (batchLastBlock[mid] < l2BlockNumber) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
