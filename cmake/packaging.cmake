# Debian packages (cpack in a build tree; scripts/package builds the release preset and runs it):
#   v6agent    the agent alone, for any host or image that probes a link;
#   v6conform  the controller with the catalogue and the docs. Its lab runs real agents, so it
#              depends on v6agent, and on the tools the lab execs (controller/lab/src/lab.cpp).
# Library dependencies come from dpkg-shlibdeps on the binaries themselves.

install(FILES docs/agent.md docs/agent-json.md docs/agent-plan.md LICENSE cmake/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/v6agent COMPONENT agent)
if(TARGET v6conform)
  install(FILES README.md LICENSE cmake/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT controller)
  install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT controller
          PATTERN "agent*.md" EXCLUDE PATTERN "scs" EXCLUDE)
  # The SCS harness spec and the script it names, side by side: the harness runs the script
  # from the spec's directory (docs/cloud-run.md, "SCS harness").
  install(FILES docs/scs/v6conform-iaas.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/v6conform/scs COMPONENT controller)
  install(PROGRAMS docs/scs/v6conform-scs DESTINATION ${CMAKE_INSTALL_DATADIR}/v6conform/scs COMPONENT controller)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME v6conform)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "v6conform developers <v6conform@example.org>")
# Apache-2.0, as OpenStack and the SCS standards; the text ships as LICENSE in each package's docs.
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_DEBIAN_PACKAGE_LICENSE Apache-2.0)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # RelWithDebInfo: the debug info would be most of the package
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Descriptions: a summary line, then the long description; cpack indents it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)  # v6conform depends on v6agent (= this version)

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME v6agent)
set(CPACK_COMPONENT_AGENT_DESCRIPTION
    "IPv6 link prober (RA, SLAAC/DAD, DHCPv6, ND, ping, PMTU, DNS)
v6agent runs inside a VM or on any Linux host. With a raw socket on one interface it sends
and captures Router Solicitations and Advertisements, Neighbor Discovery, DHCPv6, echo and
ICMPv6 errors, and writes what it saw as JSON and pcap. `v6agent diagnose -i eth0` answers
why a host has no IPv6.")
set(CPACK_COMPONENTS_ALL agent)

if(TARGET v6conform)
  list(APPEND CPACK_COMPONENTS_ALL controller)
  set(CPACK_DEBIAN_CONTROLLER_PACKAGE_NAME v6conform)
  set(CPACK_COMPONENT_CONTROLLER_DEPENDS agent)
  set(CPACK_DEBIAN_CONTROLLER_PACKAGE_DEPENDS "iproute2, nftables, iptables, radvd, dnsmasq-base")
  # The lab's ovn flavour: recommended, not required (the radvd flavour and real clouds need none of it).
  set(CPACK_DEBIAN_CONTROLLER_PACKAGE_RECOMMENDS "openvswitch-switch, ovn-central, ovn-host")
  set(CPACK_COMPONENT_CONTROLLER_DESCRIPTION
      "IPv6 conformance tester for OpenStack clouds
v6conform checks, requirement by requirement, whether tenant networks meet the Sovereign
Cloud Stack IPv6 standard and the RFCs it rests on, with the evidence on the wire behind
every verdict. The requirements catalogue is data (/usr/share/v6conform/catalog.yaml).
`v6conform lab` builds a Neutron-like network in namespaces and runs the catalogue on it.")
endif()

include(CPack)
