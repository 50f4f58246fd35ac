// Reads the entries WriteEntries.java wrote with libcni 1.1.2 and deletes one with
// DelNetworkList; see ../README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/version"
)

type fakeExec struct{ calls []string }

func (f *fakeExec) ExecPlugin(ctx context.Context, p string, stdin []byte, env []string) ([]byte, error) {
	f.calls = append(f.calls, string(stdin))
	return nil, nil
}
func (f *fakeExec) FindInPath(plugin string, paths []string) (string, error) { return "/fake/" + plugin, nil }
func (f *fakeExec) Decode(b []byte) (version.PluginInfo, error) {
	return version.PluginSupports("1.0.0"), nil
}

// the same steps as GetCachedAttachments in libcni after 1.1.2 (which Go 1.19 cannot build),
// decoding into the same field layout
type cachedInfo struct {
	Kind           string                 `json:"kind"`
	ContainerID    string                 `json:"containerId"`
	Config         []byte                 `json:"config"`
	IfName         string                 `json:"ifName"`
	NetworkName    string                 `json:"networkName"`
	NetNS          string                 `json:"netns,omitempty"`
	CniArgs        [][2]string            `json:"cniArgs,omitempty"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs,omitempty"`
	RawResult      map[string]interface{} `json:"result,omitempty"`
}

func listing(dir, containerID string) {
	entries, err := os.ReadDir(filepath.Join(dir, "results"))
	if err != nil {
		panic(err)
	}
	fmt.Printf("listing for %q:\n", containerID)
	for _, e := range entries {
		fname := e.Name()
		if len(containerID) > 0 {
			part := fmt.Sprintf("-%s-", containerID)
			pos := strings.Index(fname, part)
			if pos <= 0 || pos+len(part) >= len(fname) {
				fmt.Println("   skipped by name:", fname)
				continue
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "results", fname))
		if err != nil {
			continue
		}
		ci := cachedInfo{}
		if err := json.Unmarshal(b, &ci); err != nil {
			fmt.Println("   skipped, unmarshal error:", fname, err)
			continue
		}
		if ci.Kind != "cniCacheV1" || (len(containerID) > 0 && ci.ContainerID != containerID) || ci.IfName == "" || ci.NetworkName == "" {
			fmt.Println("   skipped by content:", fname)
			continue
		}
		fmt.Printf("   LISTED %s: net=%s id=%s if=%s netns=%s args=%v caps=%v config=%q\n", fname, ci.NetworkName, ci.ContainerID, ci.IfName, ci.NetNS, ci.CniArgs, ci.CapabilityArgs, ci.Config)
	}
}

func main() {
	dir := os.Args[1]
	ex := &fakeExec{}
	c := libcni.NewCNIConfigWithCacheDir([]string{"/fake"}, dir, ex)
	listing(dir, "")
	listing(dir, "j1")
	list, err := libcni.ConfListFromBytes([]byte(`{"cniVersion":"1.0.0","name":"javanet","plugins":[{"type":"noop"}]}`))
	if err != nil {
		panic(err)
	}
	rt := &libcni.RuntimeConf{ContainerID: "j1", IfName: "eth0", NetNS: "/var/run/netns/j1"}
	res, err := c.GetNetworkListCachedResult(list, rt)
	fmt.Println("cached result:", res, err)
	cfg, newRt, err := c.GetNetworkListCachedConfig(list, rt)
	fmt.Printf("cached config: %s args=%v caps=%v err=%v\n", cfg, newRt.Args, newRt.CapabilityArgs, err)
	err = c.DelNetworkList(context.Background(), list, rt)
	fmt.Println("DEL j1:", err, "plugin stdin:", ex.calls)
	_, statErr := os.Stat(filepath.Join(dir, "results", "javanet-j1-eth0"))
	fmt.Println("j1 file after DEL:", statErr)
}
