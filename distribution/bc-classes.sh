#!/usr/bin/env bash
# The BouncyCastle classes the drop-in jar needs, and the shade <include> lines that ship them
# (distribution/pom.xml, the bcprov-jdk18on filter).
#
# The set is a class-level closure computed with jdeps, not a guess: the seeds are the
# org.bouncycastle classes the main classes of the modules named below reference (jdeps
# -verbose:class), and every class a class in the set references (jdeps -verbose:class on bcprov
# itself, its Java 8 base classes: the jar drops META-INF/versions) joins it until nothing new
# comes in. jdeps reads each class file whole (constant pool, descriptors), so the set holds every
# class any method of a shipped class could link to, taken or not.
#
# Usage, after the modules' classes are built (mvn -o package -pl distribution -am -DskipTests):
#   distribution/bc-classes.sh [bcprov.jar]      (default: ~/.m2's, the version in pom.xml)
# stdout: the <include> lines; stderr: the counts. DropInJarIT checks the jar the result builds:
# no shipped class may name a relocated BouncyCastle class that is not in the jar.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jdeps=${JAVA_HOME:+$JAVA_HOME/bin/}jdeps
version=$(sed -n 's:.*<bouncycastle.version>\(.*\)</bouncycastle.version>.*:\1:p' "$root/pom.xml")
bcprov=${1:-$HOME/.m2/repository/org/bouncycastle/bcprov-jdk18on/$version/bcprov-jdk18on-$version.jar}
# The modules whose code calls BouncyCastle (only DKIM today); a module that starts to use it
# belongs here, and DropInJarIT fails until it is.
modules=(dkim-module)

[ -f "$bcprov" ] || { echo "no $bcprov" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for m in "${modules[@]}"; do
  [ -d "$root/$m/target/classes" ] || { echo "build $m first: no $m/target/classes" >&2; exit 1; }
  "$jdeps" --multi-release base -verbose:class -filter:none -cp "$bcprov" "$root/$m/target/classes"
done | awk '$3 ~ /^org\.bouncycastle\./ { print $3 }' | sort -u > "$work/seeds"

"$jdeps" --multi-release base -verbose:class -filter:none "$bcprov" \
  | awk '$1 ~ /^org\.bouncycastle\./ && $3 ~ /^org\.bouncycastle\./ { print $1, $3 }' > "$work/edges"

# Breadth-first closure over the edges.
awk 'NR == FNR { out[$1] = out[$1] " " $2; next }
     { queue[++n] = $1; seen[$1] = 1 }
     END {
       for (i = 1; i <= n; i++) {
         k = split(out[queue[i]], next_, " ")
         for (j = 1; j <= k; j++) if (!(next_[j] in seen)) { seen[next_[j]] = 1; queue[++n] = next_[j] }
       }
       for (c in seen) print c
     }' "$work/edges" "$work/seeds" | sort > "$work/closure"

echo "seeds: $(wc -l < "$work/seeds"), closure: $(wc -l < "$work/closure") classes of" \
  "$(unzip -Z1 "$bcprov" | grep -v '^META-INF/' | grep -c '\.class$') in $(basename "$bcprov")" >&2
# The closure only holds for classes linked through the constant pool: none may load one by name.
if xargs "${jdeps%jdeps}javap" -c -p -cp "$bcprov" < "$work/closure" \
    | grep -E 'Method java/lang/(Class\.forName|ClassLoader\.loadClass)|java/util/ServiceLoader' >&2; then
  echo "a class in the closure loads classes by name: the closure may miss them" >&2
  exit 1
fi
sed 's:\.:/:g; s:$:.class:; s:^:<include>:; s:$:</include>:' "$work/closure"
