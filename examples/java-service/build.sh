#!/usr/bin/env bash
# Builds build/hello.jar with the JDK's javac and jar (no build tool): a runnable jar, Main-Class set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. ../../scripts/jdk.sh   # a JDK >= 21, the one wisp itself uses (the default javac may be older)
rm -rf build && mkdir -p build/classes
"$JAVA_HOME/bin/javac" --release 21 -d build/classes src/example/Hello.java
"$JAVA_HOME/bin/jar" --create --file build/hello.jar --main-class example.Hello -C build/classes .
echo "$PWD/build/hello.jar"
