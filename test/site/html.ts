/** The built pages as a browser parses them (parse5 implements the WHATWG HTML parsing algorithm). */
import { type DefaultTreeAdapterTypes, parse } from "parse5";

export type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

export function parseHtml(html: string): DefaultTreeAdapterTypes.Document {
  return parse(html);
}

function isElement(node: Node): node is Element {
  return "tagName" in node;
}

/** Every element under a node, in document order, template contents included. */
export function* elements(node: Node): Generator<Element> {
  const children = "childNodes" in node ? node.childNodes : [];
  for (const childNode of children) {
    if (isElement(childNode)) {
      yield childNode;
      if (childNode.tagName === "template") yield* elements((childNode as DefaultTreeAdapterTypes.Template).content);
    }
    yield* elements(childNode);
  }
}

export function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

export function text(node: Node): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterTypes.TextNode).value;
  return "childNodes" in node ? node.childNodes.map(text).join("") : "";
}

export function byTag(node: Node, tag: string): Element[] {
  return [...elements(node)].filter((e) => e.tagName === tag);
}

export function byId(node: Node, id: string): Element | undefined {
  return [...elements(node)].find((e) => attr(e, "id") === id);
}

/** Direct element children. */
export function kids(element: Element): Element[] {
  return element.childNodes.filter(isElement);
}
