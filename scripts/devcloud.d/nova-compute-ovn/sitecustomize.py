# Loaded by nova-compute on the ovn backend only (scripts/devcloud puts this directory on its
# PYTHONPATH). Neutron Zed's ML2/OVN puts no datapath type in a port's VIF details, so os-vif
# "ensures" br-int with the kernel datapath on every plug; this machine has only the userspace
# one, and each flip makes ovn-controller rebuild br-int and reinstall every flow while other
# VMs are already probing. The fix changes os-vif's default datapath in this process only and
# leaves the packages' files alone.
import importlib.abc
import importlib.machinery
import sys

try:  # keep Debian's own sitecustomize (the apport hook), which this one shadows
    import apport_python_hook
    apport_python_hook.install()
except ImportError:
    pass


class _NetdevDefault(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "vif_plug_ovs.ovs":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            plugin = module.OvsPlugin
            chosen = plugin._get_vif_datapath_type

            def netdev_by_default(vif, datapath="netdev"):
                return chosen(vif, datapath="netdev" if datapath == "system" else datapath)

            plugin._get_vif_datapath_type = staticmethod(netdev_by_default)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _NetdevDefault())
