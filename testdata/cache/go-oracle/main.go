// Oracle for jcni's cache format: writes files produced by Go's encoding/json and by
// libcni's own cacheAdd (through AddNetworkList with a fake exec), for the Java tests.
// See ../README.md for how to run it.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/version"
)

type fakeExec struct{ result string }

func (f *fakeExec) ExecPlugin(ctx context.Context, pluginPath string, stdin []byte, env []string) ([]byte, error) {
	for _, e := range env {
		if e == "CNI_COMMAND=ADD" {
			return []byte(f.result), nil
		}
	}
	return nil, nil
}
func (f *fakeExec) FindInPath(plugin string, paths []string) (string, error) {
	return "/fake/" + plugin, nil
}
func (f *fakeExec) Decode(b []byte) (version.PluginInfo, error) {
	return version.PluginSupports("0.3.0", "0.3.1", "0.4.0", "1.0.0"), nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func addEntry(cacheDir, conflist, result string, rt *libcni.RuntimeConf) {
	list, err := libcni.ConfListFromBytes([]byte(conflist))
	must(err)
	c := libcni.NewCNIConfigWithCacheDir([]string{"/fake"}, cacheDir, &fakeExec{result: result})
	_, err = c.AddNetworkList(context.Background(), list, rt)
	must(err)
}

func capArgs(s string) map[string]interface{} {
	var m map[string]interface{}
	must(json.Unmarshal([]byte(s), &m))
	return m
}

// the field layout of libcni after v1.1.2, which added netns
type cachedInfoWithNetns struct {
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

func main() {
	out := os.Args[1]
	cache, err := os.MkdirTemp("", "jcni-oracle-cache")
	must(err)

	res := `{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"0a:ae:7b:bf:9c:0b","sandbox":"/var/run/netns/a<b>&c"}],"ips":[{"address":"198.18.0.2/24","gateway":"198.18.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["198.18.0.53"],"search":["ex\u2028ample"]}}`
	conflist := "{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"tricky.net-1\",\n  \"plugins\": [{\"type\": \"noop\", \"capabilities\": {\"portMappings\": true}}]\n}\n"
	caps := `{"zeta":{"b":1.50,"a":[3,1e-7,1e21,12345678901234567890,100000000000000000000,-0.0,0.1,5e-324,1.7976931348623157e308,0.000001,123456789012345678901234]},` +
		`"alpha":"x<y>&z\u2028\u2029\b\f\t\n\r\u0001\u001f\u007f é 😀 \"q\" \\","Beta":true,"beta":null,"émoji":{},"":1,"｡":2,"😀":3,` +
		`"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}`
	addEntry(cache, conflist, res, &libcni.RuntimeConf{
		ContainerID: "c1", NetNS: "/var/run/netns/c1", IfName: "eth0",
		Args:           [][2]string{{"IgnoreUnknown", "1"}, {"K8S_POD_NAME", "p<1>&"}},
		CapabilityArgs: capArgs(caps),
	})
	// minimal: no args, no caps, a 0.4.0 result
	res040 := `{"cniVersion":"0.4.0","ips":[{"version":"4","address":"198.18.0.9/24"}]}`
	addEntry(cache, "{\"cniVersion\":\"0.4.0\",\"name\":\"a-b\",\"plugins\":[{\"type\":\"noop\"}]}", res040,
		&libcni.RuntimeConf{ContainerID: "c", IfName: "net1"})

	// the fixtures under their own names
	raw, err := os.ReadFile(filepath.Join(cache, "results", "tricky.net-1-c1-eth0"))
	must(err)
	must(os.WriteFile(filepath.Join(out, "libcni-1.1.2-tricky.json"), raw, 0o644))
	minimal, err := os.ReadFile(filepath.Join(cache, "results", "a-b-c-net1"))
	must(err)
	must(os.WriteFile(filepath.Join(out, "libcni-1.1.2-minimal.json"), minimal, 0o644))
	must(os.RemoveAll(cache))

	// the later layout, with netns: re-marshal the first entry through it
	var ci cachedInfoWithNetns
	must(json.Unmarshal(raw, &ci))
	ci.NetNS = "/var/run/netns/c1"
	b, err := json.Marshal(&ci)
	must(err)
	must(os.WriteFile(filepath.Join(out, "go-layout-with-netns.json"), b, 0o644))

	// floats: special values and random bit patterns
	var sb strings.Builder
	special := []float64{0, 1, -1, 0.1, 1.5, 1e-6, 9.999999999999999e-7, 1e-7, 1e20, 1e21, 9.999999999999999e20,
		123456789, 12345678901234567890, math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308,
		-1e-300, 5e-324, 1 << 53, 1<<53 + 2, 0.3, 2.5e-5, 1e100, -1.25e-10, 4.35, 100, 1e15, 1e16, 1e17}
	r := rand.New(rand.NewSource(42))
	for i := 0; i < 1200; i++ {
		var f float64
		switch i % 3 {
		case 0:
			f = math.Float64frombits(r.Uint64())
		case 1:
			f = r.NormFloat64() * math.Pow(10, float64(r.Intn(44)-22))
		default:
			f = float64(r.Int63n(1<<62)) * math.Pow(2, float64(r.Intn(20)-10))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		special = append(special, f)
	}
	for _, f := range special {
		b, err := json.Marshal(f)
		must(err)
		fmt.Fprintf(&sb, "%016x\t%s\n", math.Float64bits(f), b)
	}
	must(os.WriteFile(filepath.Join(out, "go-float64.tsv"), []byte(sb.String()), 0o644))

	// number literals through map[string]interface{} (what capabilityArgs and result go through)
	sb.Reset()
	for _, lit := range []string{"0", "-0", "1.50", "1.0", "100", "1e2", "1E+2", "12345678901234567890", "9007199254740993",
		"0.1", "0.30000000000000000001", "1e-7", "1e21", "123456789012345678901234", "1e308", "5e-324", "1e-400",
		"-12.500", "0.000001", "0.0000001", "3.14159265358979323846", "2e-1"} {
		var v interface{}
		must(json.Unmarshal([]byte(lit), &v))
		b, err := json.Marshal(v)
		must(err)
		fmt.Fprintf(&sb, "%s\t%s\n", lit, b)
	}
	must(os.WriteFile(filepath.Join(out, "go-number-literals.tsv"), []byte(sb.String()), 0o644))

	// strings
	sb.Reset()
	strs := []string{"", "plain", "a<b>c&d", "\u2028\u2029", "\b\f\t\n\r", "\x00\x01\x1f\x7f", "é ü 中文 😀", "\"\\/",
		"\ufffd", "\uffff\U0010ffff", "tab\tend", "<script>&amp;</script>"}
	for i := 0; i < 0x80; i++ {
		strs = append(strs, string(rune(i)))
	}
	for _, s := range strs {
		b, err := json.Marshal(s)
		must(err)
		fmt.Fprintf(&sb, "%s\t%s\n", hex.EncodeToString([]byte(s)), b)
	}
	must(os.WriteFile(filepath.Join(out, "go-strings.tsv"), []byte(sb.String()), 0o644))
}
