package main

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The SBOM is CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/),
// read by the usual scanners (grype, trivy, Dependency-Track). It is made
// from the binaries' own build info (debug/buildinfo, what `go version -m`
// prints), so it lists what was compiled in, not what go.mod mentions.

type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Tools     cdxTools     `json:"tools"`
	Component cdxComponent `json:"component"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type        string        `json:"type"`
	BOMRef      string        `json:"bom-ref,omitempty"`
	Name        string        `json:"name"`
	Version     string        `json:"version,omitempty"`
	Description string        `json:"description,omitempty"`
	PURL        string        `json:"purl,omitempty"`
	Hashes      []cdxHash     `json:"hashes,omitempty"`
	Licenses    []cdxLicense  `json:"licenses,omitempty"`
	Properties  []cdxProperty `json:"properties,omitempty"`
}

type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type cdxLicense struct {
	License struct {
		ID string `json:"id"`
	} `json:"license"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

func spdx(id string) []cdxLicense {
	var l cdxLicense
	l.License.ID = id
	return []cdxLicense{l}
}

// goPURL is the package URL of a Go module (purl-spec, type golang), with
// the platform when given, as cyclonedx-gomod writes it.
func goPURL(path, version string, p *platform) string {
	s := "pkg:golang/" + path + "@" + version + "?type=module"
	if p != nil {
		s += "&goos=" + p.goos + "&goarch=" + p.goarch
	}
	return s
}

// sbom is the SBOM of one platform's binaries (in binaries' order): the
// release as the described component, each binary (its SHA-256 and build
// settings) with the modules and the Go standard library it contains.
// Nothing in it depends on when or where it was made: the timestamp is the
// release's, and the serial number is derived from the content.
func sbom(p platform, version string, paths []string, epoch time.Time) ([]byte, error) {
	mainPURL := goPURL(modulePath, "v"+version, &p)
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		Metadata: cdxMetadata{
			Timestamp: epoch.UTC().Format(time.RFC3339),
			Tools: cdxTools{Components: []cdxComponent{{Type: "application", Name: "internal/release",
				Description: "git-credential-adopat's release build (make dist)", Version: version}}},
			Component: cdxComponent{Type: "application", BOMRef: mainPURL, Name: "git-credential-adopat", Version: version,
				Description: description,
				PURL:        mainPURL, Licenses: spdx("MIT")},
		},
	}
	modules := map[string]cdxComponent{}
	root := cdxDependency{Ref: mainPURL}
	for _, path := range paths {
		bi, err := buildinfo.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading the build info of %s: %v", path, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		name := filepath.Base(path)
		ref := "binary:" + name
		c := cdxComponent{Type: "application", BOMRef: ref, Name: name, Version: version,
			Hashes:     []cdxHash{{Alg: "SHA-256", Content: hex.EncodeToString(sum[:])}},
			Properties: []cdxProperty{{"go:package", bi.Path}, {"go:toolchain", bi.GoVersion}}}
		for _, s := range bi.Settings {
			c.Properties = append(c.Properties, cdxProperty{"go:build:" + s.Key, s.Value})
		}
		bom.Components = append(bom.Components, c)
		root.DependsOn = append(root.DependsOn, ref)

		dep := cdxDependency{Ref: ref}
		std := goPURL("std", bi.GoVersion, nil)
		modules[std] = cdxComponent{Type: "library", BOMRef: std, Name: "std", Version: bi.GoVersion,
			Description: "the Go standard library and runtime", PURL: std, Licenses: spdx("BSD-3-Clause")}
		dep.DependsOn = append(dep.DependsOn, std)
		for _, m := range bi.Deps {
			if m.Replace != nil {
				m = m.Replace
			}
			purl := goPURL(m.Path, m.Version, nil)
			c := cdxComponent{Type: "library", BOMRef: purl, Name: m.Path, Version: m.Version, PURL: purl}
			if m.Sum != "" {
				// go.sum's hash of the module (h1:, a SHA-256 over its
				// files), checkable against sum.golang.org; not a hash of
				// an artefact, so a property rather than a CycloneDX hash.
				c.Properties = []cdxProperty{{"go:sum", m.Sum}}
			}
			modules[purl] = c
			dep.DependsOn = append(dep.DependsOn, purl)
		}
		slices.Sort(dep.DependsOn)
		bom.Dependencies = append(bom.Dependencies, dep)
	}
	for _, ref := range slices.Sorted(maps.Keys(modules)) {
		bom.Components = append(bom.Components, modules[ref])
		bom.Dependencies = append(bom.Dependencies, cdxDependency{Ref: ref, DependsOn: []string{}})
	}
	bom.Dependencies = append([]cdxDependency{root}, bom.Dependencies...)

	// The serial number is a UUID (version 8, "custom") made of the
	// SHA-256 of the document without it: the same content, the same
	// serial; any change, a new one.
	bom.SerialNumber = ""
	unsigned, err := json.Marshal(bom)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(unsigned)
	h[6] = h[6]&0x0f | 0x80
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	bom.SerialNumber = "urn:uuid:" + strings.Join([]string{x[0:8], x[8:12], x[12:16], x[16:20], x[20:32]}, "-")
	// Package URLs hold "&": not HTML-escaped, as a reader expects them.
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(bom); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
