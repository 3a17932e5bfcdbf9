#!/bin/sh
# OVN northbound database of 'lab-small', rendered by dcnet from examples/lab-small.yaml.
# Load into an empty NB database: OVN_NB_DB=unix:/run/ovn/ovnnb_db.sock sh ovn-nb.sh
# It ends with 'ovn-nbctl --wait=sb sync' (northd compiled it); DCNET_OVN_WAIT=none skips that.
# 3 logical switches, 56 switch ports, 1 logical router, 4 port groups, 0 address sets, 22 ACLs (22 to-lport, 0 from-lport), in 5 ovn-nbctl transactions.
# Names: app group G has port group pg_G with '-' written '_' (docs/sdn.md); ACLs are named <group>:<purpose>/<family> or rule<N>:<name>/<family>.
set -eu

ovn-nbctl --no-wait \
  -- ls-add ls-frontend \
  -- ls-add ls-backend \
  -- ls-add ls-external \
  -- pg-add pg_web \
  -- pg-add pg_api \
  -- pg-add pg_db \
  -- pg-add pg_cache \
  >/dev/null

ovn-nbctl --no-wait \
  -- --id=@p0 create Logical_Switch_Port 'name="vm-web-0001/eth0"' 'addresses="02:dc:00:00:00:01 10.1.0.11 fd00:1::b"' 'port_security="02:dc:00:00:00:01 10.1.0.11 fd00:1::b"' \
  -- --id=@p1 create Logical_Switch_Port 'name="vm-web-0002/eth0"' 'addresses="02:dc:00:00:00:02 10.1.0.12 fd00:1::c"' 'port_security="02:dc:00:00:00:02 10.1.0.12 fd00:1::c"' \
  -- --id=@p2 create Logical_Switch_Port 'name="vm-web-0003/eth0"' 'addresses="02:dc:00:00:00:03 10.1.0.13 fd00:1::d"' 'port_security="02:dc:00:00:00:03 10.1.0.13 fd00:1::d"' \
  -- --id=@p3 create Logical_Switch_Port 'name="vm-web-0004/eth0"' 'addresses="02:dc:00:00:00:04 10.1.0.14 fd00:1::e"' 'port_security="02:dc:00:00:00:04 10.1.0.14 fd00:1::e"' \
  -- --id=@p4 create Logical_Switch_Port 'name="vm-web-0005/eth0"' 'addresses="02:dc:00:00:00:05 10.1.0.15 fd00:1::f"' 'port_security="02:dc:00:00:00:05 10.1.0.15 fd00:1::f"' \
  -- --id=@p5 create Logical_Switch_Port 'name="vm-web-0006/eth0"' 'addresses="02:dc:00:00:00:06 10.1.0.16 fd00:1::10"' 'port_security="02:dc:00:00:00:06 10.1.0.16 fd00:1::10"' \
  -- --id=@p6 create Logical_Switch_Port 'name="vm-web-0007/eth0"' 'addresses="02:dc:00:00:00:07 10.1.0.17 fd00:1::11"' 'port_security="02:dc:00:00:00:07 10.1.0.17 fd00:1::11"' \
  -- --id=@p7 create Logical_Switch_Port 'name="vm-web-0008/eth0"' 'addresses="02:dc:00:00:00:08 10.1.0.18 fd00:1::12"' 'port_security="02:dc:00:00:00:08 10.1.0.18 fd00:1::12"' \
  -- --id=@p8 create Logical_Switch_Port 'name="vm-web-0009/eth0"' 'addresses="02:dc:00:00:00:09 10.1.0.19 fd00:1::13"' 'port_security="02:dc:00:00:00:09 10.1.0.19 fd00:1::13"' \
  -- --id=@p9 create Logical_Switch_Port 'name="vm-web-0010/eth0"' 'addresses="02:dc:00:00:00:0a 10.1.0.20 fd00:1::14"' 'port_security="02:dc:00:00:00:0a 10.1.0.20 fd00:1::14"' \
  -- --id=@p10 create Logical_Switch_Port 'name="vm-web-0011/eth0"' 'addresses="02:dc:00:00:00:0b 10.1.0.21 fd00:1::15"' 'port_security="02:dc:00:00:00:0b 10.1.0.21 fd00:1::15"' \
  -- --id=@p11 create Logical_Switch_Port 'name="vm-web-0012/eth0"' 'addresses="02:dc:00:00:00:0c 10.1.0.22 fd00:1::16"' 'port_security="02:dc:00:00:00:0c 10.1.0.22 fd00:1::16"' \
  -- --id=@p12 create Logical_Switch_Port 'name="vm-web-0013/eth0"' 'addresses="02:dc:00:00:00:0d 10.1.0.23 fd00:1::17"' 'port_security="02:dc:00:00:00:0d 10.1.0.23 fd00:1::17"' \
  -- --id=@p13 create Logical_Switch_Port 'name="vm-web-0014/eth0"' 'addresses="02:dc:00:00:00:0e 10.1.0.24 fd00:1::18"' 'port_security="02:dc:00:00:00:0e 10.1.0.24 fd00:1::18"' \
  -- --id=@p14 create Logical_Switch_Port 'name="vm-web-0015/eth0"' 'addresses="02:dc:00:00:00:0f 10.1.0.25 fd00:1::19"' 'port_security="02:dc:00:00:00:0f 10.1.0.25 fd00:1::19"' \
  -- --id=@p15 create Logical_Switch_Port 'name="vm-web-0016/eth0"' 'addresses="02:dc:00:00:00:10 10.1.0.26 fd00:1::1a"' 'port_security="02:dc:00:00:00:10 10.1.0.26 fd00:1::1a"' \
  -- --id=@p16 create Logical_Switch_Port 'name="vm-api-0001/eth0"' 'addresses="02:dc:00:00:00:11 10.1.0.27 fd00:1::1b"' 'port_security="02:dc:00:00:00:11 10.1.0.27 fd00:1::1b"' \
  -- --id=@p17 create Logical_Switch_Port 'name="vm-api-0001/eth1"' 'addresses="02:dc:00:00:00:12 10.2.0.11 fd00:2::b"' 'port_security="02:dc:00:00:00:12 10.2.0.11 fd00:2::b"' \
  -- --id=@p18 create Logical_Switch_Port 'name="vm-api-0002/eth0"' 'addresses="02:dc:00:00:00:13 10.1.0.28 fd00:1::1c"' 'port_security="02:dc:00:00:00:13 10.1.0.28 fd00:1::1c"' \
  -- --id=@p19 create Logical_Switch_Port 'name="vm-api-0002/eth1"' 'addresses="02:dc:00:00:00:14 10.2.0.12 fd00:2::c"' 'port_security="02:dc:00:00:00:14 10.2.0.12 fd00:2::c"' \
  -- --id=@p20 create Logical_Switch_Port 'name="vm-api-0003/eth0"' 'addresses="02:dc:00:00:00:15 10.1.0.29 fd00:1::1d"' 'port_security="02:dc:00:00:00:15 10.1.0.29 fd00:1::1d"' \
  -- --id=@p21 create Logical_Switch_Port 'name="vm-api-0003/eth1"' 'addresses="02:dc:00:00:00:16 10.2.0.13 fd00:2::d"' 'port_security="02:dc:00:00:00:16 10.2.0.13 fd00:2::d"' \
  -- --id=@p22 create Logical_Switch_Port 'name="vm-api-0004/eth0"' 'addresses="02:dc:00:00:00:17 10.1.0.30 fd00:1::1e"' 'port_security="02:dc:00:00:00:17 10.1.0.30 fd00:1::1e"' \
  -- --id=@p23 create Logical_Switch_Port 'name="vm-api-0004/eth1"' 'addresses="02:dc:00:00:00:18 10.2.0.14 fd00:2::e"' 'port_security="02:dc:00:00:00:18 10.2.0.14 fd00:2::e"' \
  -- --id=@p24 create Logical_Switch_Port 'name="vm-api-0005/eth0"' 'addresses="02:dc:00:00:00:19 10.1.0.31 fd00:1::1f"' 'port_security="02:dc:00:00:00:19 10.1.0.31 fd00:1::1f"' \
  -- --id=@p25 create Logical_Switch_Port 'name="vm-api-0005/eth1"' 'addresses="02:dc:00:00:00:1a 10.2.0.15 fd00:2::f"' 'port_security="02:dc:00:00:00:1a 10.2.0.15 fd00:2::f"' \
  -- --id=@p26 create Logical_Switch_Port 'name="vm-api-0006/eth0"' 'addresses="02:dc:00:00:00:1b 10.1.0.32 fd00:1::20"' 'port_security="02:dc:00:00:00:1b 10.1.0.32 fd00:1::20"' \
  -- --id=@p27 create Logical_Switch_Port 'name="vm-api-0006/eth1"' 'addresses="02:dc:00:00:00:1c 10.2.0.16 fd00:2::10"' 'port_security="02:dc:00:00:00:1c 10.2.0.16 fd00:2::10"' \
  -- --id=@p28 create Logical_Switch_Port 'name="vm-api-0007/eth0"' 'addresses="02:dc:00:00:00:1d 10.1.0.33 fd00:1::21"' 'port_security="02:dc:00:00:00:1d 10.1.0.33 fd00:1::21"' \
  -- --id=@p29 create Logical_Switch_Port 'name="vm-api-0007/eth1"' 'addresses="02:dc:00:00:00:1e 10.2.0.17 fd00:2::11"' 'port_security="02:dc:00:00:00:1e 10.2.0.17 fd00:2::11"' \
  -- --id=@p30 create Logical_Switch_Port 'name="vm-api-0008/eth0"' 'addresses="02:dc:00:00:00:1f 10.1.0.34 fd00:1::22"' 'port_security="02:dc:00:00:00:1f 10.1.0.34 fd00:1::22"' \
  -- --id=@p31 create Logical_Switch_Port 'name="vm-api-0008/eth1"' 'addresses="02:dc:00:00:00:20 10.2.0.18 fd00:2::12"' 'port_security="02:dc:00:00:00:20 10.2.0.18 fd00:2::12"' \
  -- --id=@p32 create Logical_Switch_Port 'name="vm-api-0009/eth0"' 'addresses="02:dc:00:00:00:21 10.1.0.35 fd00:1::23"' 'port_security="02:dc:00:00:00:21 10.1.0.35 fd00:1::23"' \
  -- --id=@p33 create Logical_Switch_Port 'name="vm-api-0009/eth1"' 'addresses="02:dc:00:00:00:22 10.2.0.19 fd00:2::13"' 'port_security="02:dc:00:00:00:22 10.2.0.19 fd00:2::13"' \
  -- --id=@p34 create Logical_Switch_Port 'name="vm-api-0010/eth0"' 'addresses="02:dc:00:00:00:23 10.1.0.36 fd00:1::24"' 'port_security="02:dc:00:00:00:23 10.1.0.36 fd00:1::24"' \
  -- --id=@p35 create Logical_Switch_Port 'name="vm-api-0010/eth1"' 'addresses="02:dc:00:00:00:24 10.2.0.20 fd00:2::14"' 'port_security="02:dc:00:00:00:24 10.2.0.20 fd00:2::14"' \
  -- --id=@p36 create Logical_Switch_Port 'name="vm-api-0011/eth0"' 'addresses="02:dc:00:00:00:25 10.1.0.37 fd00:1::25"' 'port_security="02:dc:00:00:00:25 10.1.0.37 fd00:1::25"' \
  -- --id=@p37 create Logical_Switch_Port 'name="vm-api-0011/eth1"' 'addresses="02:dc:00:00:00:26 10.2.0.21 fd00:2::15"' 'port_security="02:dc:00:00:00:26 10.2.0.21 fd00:2::15"' \
  -- --id=@p38 create Logical_Switch_Port 'name="vm-api-0012/eth0"' 'addresses="02:dc:00:00:00:27 10.1.0.38 fd00:1::26"' 'port_security="02:dc:00:00:00:27 10.1.0.38 fd00:1::26"' \
  -- --id=@p39 create Logical_Switch_Port 'name="vm-api-0012/eth1"' 'addresses="02:dc:00:00:00:28 10.2.0.22 fd00:2::16"' 'port_security="02:dc:00:00:00:28 10.2.0.22 fd00:2::16"' \
  -- --id=@p40 create Logical_Switch_Port 'name="vm-db-0001/eth0"' 'addresses="02:dc:00:00:00:29 10.2.0.23 fd00:2::17"' 'port_security="02:dc:00:00:00:29 10.2.0.23 fd00:2::17"' \
  -- --id=@p41 create Logical_Switch_Port 'name="vm-db-0002/eth0"' 'addresses="02:dc:00:00:00:2a 10.2.0.24 fd00:2::18"' 'port_security="02:dc:00:00:00:2a 10.2.0.24 fd00:2::18"' \
  -- --id=@p42 create Logical_Switch_Port 'name="vm-db-0003/eth0"' 'addresses="02:dc:00:00:00:2b 10.2.0.25 fd00:2::19"' 'port_security="02:dc:00:00:00:2b 10.2.0.25 fd00:2::19"' \
  -- --id=@p43 create Logical_Switch_Port 'name="vm-db-0004/eth0"' 'addresses="02:dc:00:00:00:2c 10.2.0.26 fd00:2::1a"' 'port_security="02:dc:00:00:00:2c 10.2.0.26 fd00:2::1a"' \
  -- --id=@p44 create Logical_Switch_Port 'name="vm-db-0005/eth0"' 'addresses="02:dc:00:00:00:2d 10.2.0.27 fd00:2::1b"' 'port_security="02:dc:00:00:00:2d 10.2.0.27 fd00:2::1b"' \
  -- --id=@p45 create Logical_Switch_Port 'name="vm-db-0006/eth0"' 'addresses="02:dc:00:00:00:2e 10.2.0.28 fd00:2::1c"' 'port_security="02:dc:00:00:00:2e 10.2.0.28 fd00:2::1c"' \
  -- --id=@p46 create Logical_Switch_Port 'name="vm-db-0007/eth0"' 'addresses="02:dc:00:00:00:2f 10.2.0.29 fd00:2::1d"' 'port_security="02:dc:00:00:00:2f 10.2.0.29 fd00:2::1d"' \
  -- --id=@p47 create Logical_Switch_Port 'name="vm-db-0008/eth0"' 'addresses="02:dc:00:00:00:30 10.2.0.30 fd00:2::1e"' 'port_security="02:dc:00:00:00:30 10.2.0.30 fd00:2::1e"' \
  -- --id=@p48 create Logical_Switch_Port 'name="vm-cache-0001/eth0"' 'addresses="02:dc:00:00:00:31 10.2.0.31 fd00:2::1f"' 'port_security="02:dc:00:00:00:31 10.2.0.31 fd00:2::1f"' \
  -- --id=@p49 create Logical_Switch_Port 'name="vm-cache-0002/eth0"' 'addresses="02:dc:00:00:00:32 10.2.0.32 fd00:2::20"' 'port_security="02:dc:00:00:00:32 10.2.0.32 fd00:2::20"' \
  -- --id=@p50 create Logical_Switch_Port 'name="vm-cache-0003/eth0"' 'addresses="02:dc:00:00:00:33 10.2.0.33 fd00:2::21"' 'port_security="02:dc:00:00:00:33 10.2.0.33 fd00:2::21"' \
  -- --id=@p51 create Logical_Switch_Port 'name="vm-cache-0004/eth0"' 'addresses="02:dc:00:00:00:34 10.2.0.34 fd00:2::22"' 'port_security="02:dc:00:00:00:34 10.2.0.34 fd00:2::22"' \
  -- add Logical_Switch ls-backend ports @p17 @p19 @p21 @p23 @p25 @p27 @p29 @p31 @p33 @p35 @p37 @p39 @p40 @p41 @p42 @p43 @p44 @p45 @p46 @p47 @p48 @p49 @p50 @p51 \
  -- add Logical_Switch ls-frontend ports @p0 @p1 @p2 @p3 @p4 @p5 @p6 @p7 @p8 @p9 @p10 @p11 @p12 @p13 @p14 @p15 @p16 @p18 @p20 @p22 @p24 @p26 @p28 @p30 @p32 @p34 @p36 @p38 \
  -- add Port_Group pg_web ports @p0 @p1 @p2 @p3 @p4 @p5 @p6 @p7 @p8 @p9 @p10 @p11 @p12 @p13 @p14 @p15 \
  -- add Port_Group pg_api ports @p16 @p17 @p18 @p19 @p20 @p21 @p22 @p23 @p24 @p25 @p26 @p27 @p28 @p29 @p30 @p31 @p32 @p33 @p34 @p35 @p36 @p37 @p38 @p39 \
  -- add Port_Group pg_db ports @p40 @p41 @p42 @p43 @p44 @p45 @p46 @p47 \
  -- add Port_Group pg_cache ports @p48 @p49 @p50 @p51 \
  >/dev/null

ovn-nbctl --no-wait \
  -- lsp-add ls-external ln-external -- lsp-set-type ln-external localnet -- lsp-set-addresses ln-external unknown -- lsp-set-options ln-external network_name=physnet \
  >/dev/null

ovn-nbctl --no-wait \
  -- lr-add lr-lab-small \
  -- lrp-add lr-lab-small lrp-frontend 02:dd:00:00:00:04 10.1.0.1/24 fd00:1::1/64 \
  -- lsp-add ls-frontend rtr-frontend -- lsp-set-type rtr-frontend router -- lsp-set-addresses rtr-frontend router -- lsp-set-options rtr-frontend router-port=lrp-frontend \
  -- lrp-add lr-lab-small lrp-backend 02:dd:00:00:00:05 10.2.0.1/24 fd00:2::1/64 \
  -- lsp-add ls-backend rtr-backend -- lsp-set-type rtr-backend router -- lsp-set-addresses rtr-backend router -- lsp-set-options rtr-backend router-port=lrp-backend \
  -- lrp-add lr-lab-small lrp-external 02:dd:ff:ff:ff:00 100.64.0.1/29 fd98::1/64 \
  -- lsp-add ls-external rtr-external -- lsp-set-type rtr-external router -- lsp-set-addresses rtr-external router -- lsp-set-options rtr-external router-port=lrp-external \
  -- lrp-set-gateway-chassis lrp-external worker-001 3 \
  -- lrp-set-gateway-chassis lrp-external worker-002 2 \
  -- lrp-set-gateway-chassis lrp-external worker-003 1 \
  -- lr-route-add lr-lab-small 0.0.0.0/0 100.64.0.2 \
  -- lr-route-add lr-lab-small ::/0 fd98::2 \
  >/dev/null

ovn-nbctl --no-wait \
  -- --id=@a0 create ACL 'name="web:default-deny/ipv4"' direction=to-lport priority=1000 'match="outport == @pg_web && ip4"' action=drop -- add Port_Group pg_web acls @a0 \
  -- --id=@a1 create ACL 'name="web:within-group/ipv4"' direction=to-lport priority=1001 'match="outport == @pg_web && ip4 && ip4.src == $pg_web_ip4"' action=allow-related -- add Port_Group pg_web acls @a1 \
  -- --id=@a2 create ACL 'name="web:default-deny/ipv6"' direction=to-lport priority=1000 'match="outport == @pg_web && ip6"' action=drop -- add Port_Group pg_web acls @a2 \
  -- --id=@a3 create ACL 'name="web:within-group/ipv6"' direction=to-lport priority=1001 'match="outport == @pg_web && ip6 && ip6.src == $pg_web_ip6"' action=allow-related -- add Port_Group pg_web acls @a3 \
  -- --id=@a4 create ACL 'name="api:default-deny/ipv4"' direction=to-lport priority=1000 'match="outport == @pg_api && ip4"' action=drop -- add Port_Group pg_api acls @a4 \
  -- --id=@a5 create ACL 'name="api:within-group/ipv4"' direction=to-lport priority=1001 'match="outport == @pg_api && ip4 && ip4.src == $pg_api_ip4"' action=allow-related -- add Port_Group pg_api acls @a5 \
  -- --id=@a6 create ACL 'name="api:default-deny/ipv6"' direction=to-lport priority=1000 'match="outport == @pg_api && ip6"' action=drop -- add Port_Group pg_api acls @a6 \
  -- --id=@a7 create ACL 'name="api:within-group/ipv6"' direction=to-lport priority=1001 'match="outport == @pg_api && ip6 && ip6.src == $pg_api_ip6"' action=allow-related -- add Port_Group pg_api acls @a7 \
  -- --id=@a8 create ACL 'name="db:default-deny/ipv4"' direction=to-lport priority=1000 'match="outport == @pg_db && ip4"' action=drop -- add Port_Group pg_db acls @a8 \
  -- --id=@a9 create ACL 'name="db:within-group/ipv4"' direction=to-lport priority=1001 'match="outport == @pg_db && ip4 && ip4.src == $pg_db_ip4"' action=allow-related -- add Port_Group pg_db acls @a9 \
  -- --id=@a10 create ACL 'name="db:default-deny/ipv6"' direction=to-lport priority=1000 'match="outport == @pg_db && ip6"' action=drop -- add Port_Group pg_db acls @a10 \
  -- --id=@a11 create ACL 'name="db:within-group/ipv6"' direction=to-lport priority=1001 'match="outport == @pg_db && ip6 && ip6.src == $pg_db_ip6"' action=allow-related -- add Port_Group pg_db acls @a11 \
  -- --id=@a12 create ACL 'name="cache:default-deny/ipv4"' direction=to-lport priority=1000 'match="outport == @pg_cache && ip4"' action=drop -- add Port_Group pg_cache acls @a12 \
  -- --id=@a13 create ACL 'name="cache:within-group/ipv4"' direction=to-lport priority=1001 'match="outport == @pg_cache && ip4 && ip4.src == $pg_cache_ip4"' action=allow-related -- add Port_Group pg_cache acls @a13 \
  -- --id=@a14 create ACL 'name="cache:default-deny/ipv6"' direction=to-lport priority=1000 'match="outport == @pg_cache && ip6"' action=drop -- add Port_Group pg_cache acls @a14 \
  -- --id=@a15 create ACL 'name="cache:within-group/ipv6"' direction=to-lport priority=1001 'match="outport == @pg_cache && ip6 && ip6.src == $pg_cache_ip6"' action=allow-related -- add Port_Group pg_cache acls @a15 \
  -- --id=@a16 create ACL 'name="rule1:web-to-api/ipv4"' direction=to-lport priority=1004 'match="outport == @pg_api && ip4 && ip4.src == $pg_web_ip4 && tcp && tcp.dst == 8080"' action=allow-related -- add Port_Group pg_api acls @a16 \
  -- --id=@a17 create ACL 'name="rule1:web-to-api/ipv6"' direction=to-lport priority=1004 'match="outport == @pg_api && ip6 && ip6.src == $pg_web_ip6 && tcp && tcp.dst == 8080"' action=allow-related -- add Port_Group pg_api acls @a17 \
  -- --id=@a18 create ACL 'name="rule2:api-to-db/ipv4"' direction=to-lport priority=1003 'match="outport == @pg_db && ip4 && ip4.src == $pg_api_ip4 && tcp && tcp.dst == 5432"' action=allow-related -- add Port_Group pg_db acls @a18 \
  -- --id=@a19 create ACL 'name="rule2:api-to-db/ipv6"' direction=to-lport priority=1003 'match="outport == @pg_db && ip6 && ip6.src == $pg_api_ip6 && tcp && tcp.dst == 5432"' action=allow-related -- add Port_Group pg_db acls @a19 \
  -- --id=@a20 create ACL 'name="rule3:api-to-cache/ipv4"' direction=to-lport priority=1002 'match="outport == @pg_cache && ip4 && ip4.src == $pg_api_ip4 && tcp && tcp.dst == 6379"' action=allow-related -- add Port_Group pg_cache acls @a20 \
  -- --id=@a21 create ACL 'name="rule3:api-to-cache/ipv6"' direction=to-lport priority=1002 'match="outport == @pg_cache && ip6 && ip6.src == $pg_api_ip6 && tcp && tcp.dst == 6379"' action=allow-related -- add Port_Group pg_cache acls @a21 \
  >/dev/null

[ "${DCNET_OVN_WAIT:-sb}" = none ] || ovn-nbctl --wait=sb sync
