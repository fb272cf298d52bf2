import path from 'node:path';
import type { FolderNode } from '../../../preload/contract.js';

/**
 * A library folder's subfolders, built from its items' paths (the folders that hold photos,
 * and those above them), each with how many items lie in it and below it; children by name.
 */
export function folderTree(root: string, files: readonly string[]): FolderNode {
  const top: FolderNode = { path: root, name: path.basename(root) || root, items: 0, children: [] };
  const nodes = new Map<string, FolderNode>([[root, top]]);
  const nodeOf = (folder: string): FolderNode => {
    let node = nodes.get(folder);
    if (node) return node;
    node = { path: folder, name: path.basename(folder), items: 0, children: [] };
    nodes.set(folder, node);
    nodeOf(path.dirname(folder)).children.push(node);
    return node;
  };
  for (const file of files) {
    if (!file.startsWith(root + path.sep)) continue;
    for (let folder = path.dirname(file); ; folder = path.dirname(folder)) {
      nodeOf(folder).items++;
      if (folder === root || folder.length <= root.length) break;
    }
  }
  const sort = (node: FolderNode): void => {
    node.children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    node.children.forEach(sort);
  };
  sort(top);
  return top;
}
