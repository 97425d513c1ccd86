/**
 * Managing edge devices over SSH from an Ansible inventory.
 *
 * <ul>
 *   <li>{@link dev.fedge.fleet.InventoryParser} reads INI inventories into an {@link
 *       dev.fedge.fleet.Inventory} of {@link dev.fedge.fleet.Host}s and {@link
 *       dev.fedge.fleet.Group}s; {@link dev.fedge.fleet.Inventory#select(String)} is {@code
 *       --limit}.
 *   <li>{@link dev.fedge.fleet.SshConnector} opens {@link dev.fedge.fleet.RemoteSession}s with
 *       Apache MINA SSHD, host keys checked by {@link dev.fedge.fleet.KnownHosts}.
 *   <li>{@link dev.fedge.fleet.Fleet} runs a {@link dev.fedge.fleet.HostTask} on many hosts in
 *       parallel; {@link dev.fedge.fleet.FleetTasks} has ping, shell, facts, deploy, start, stop,
 *       status and logs; {@link dev.fedge.fleet.AnsibleFormat} prints results as Ansible does.
 * </ul>
 */
package dev.fedge.fleet;
