// The devnet's contracts, deployed onto its running chains (internal to causeway::devnet).
#pragma once

#include <boost/json/array.hpp>

namespace causeway::devnet::detail {

// On the L1 (chains[0]) an output oracle per L2, posted to by the proposer; on each L2 OP's
// L2ToL1MessagePasser at its predeploy address, the Mailbox, a 2-of-3 message-id multisig behind a
// routing module, a test token and the collateral vault, wired to the other L2's; LP liquidity and
// a funded trader. Each chain's entry in `chains` (the manifest's) gains the addresses.
void deploy_contracts(boost::json::array& chains);

}  // namespace causeway::devnet::detail
